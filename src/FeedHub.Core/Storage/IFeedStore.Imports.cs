using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

/// <summary>OPML imports as batches that can be listed and undone.</summary>
public partial interface IFeedStore
{
    /// <summary>Records a new import and gives it an id; its sources are added afterwards with that id.</summary>
    Task<ImportBatch> AddImportBatchAsync(ImportBatch batch, CancellationToken cancellationToken);

    /// <summary>Saves how many sources an import added.</summary>
    Task UpdateImportBatchAsync(ImportBatch batch, CancellationToken cancellationToken);

    Task<ImportBatch?> GetImportBatchAsync(long id, CancellationToken cancellationToken);

    /// <summary>The most recent imports, newest first, each with how many of its sources remain.</summary>
    Task<IReadOnlyList<ImportBatch>> ListImportBatchesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Undoes an import: removes the sources that still carry its id, with their articles, and the import's record,
    /// in one transaction. Returns the ids of the removed sources, or null if there is no such import.
    /// </summary>
    Task<IReadOnlyList<long>?> RemoveImportBatchAsync(long id, CancellationToken cancellationToken);
}
