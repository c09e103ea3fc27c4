using FeedHub.Core.Model;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    private const string ImportBatchField = nameof(Source.ImportBatch);
    private ILiteCollection<ImportBatch>? _imports;

    /// <summary>The imports, and the index of sources by import (made on first use: files from before imports had batches lack it).</summary>
    private ILiteCollection<ImportBatch> Imports
    {
        get
        {
            if (_imports is null)
            {
                _sources.EnsureIndex(ImportBatchField);
                _mapper.Entity<ImportBatch>().Ignore(b => b.Remaining);
                _imports = _database.GetCollection<ImportBatch>("imports", BsonAutoId.Int64);
            }

            return _imports;
        }
    }

    public Task<ImportBatch> AddImportBatchAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        Imports.Insert(batch);
        return Task.FromResult(batch);
    }

    public Task UpdateImportBatchAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        Imports.Update(batch);
        return Task.CompletedTask;
    }

    public Task<ImportBatch?> GetImportBatchAsync(long id, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<ImportBatch?>(Imports.FindById(id) is { } batch ? WithRemaining(batch) : null));

    public Task<IReadOnlyList<ImportBatch>> ListImportBatchesAsync(int limit, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<IReadOnlyList<ImportBatch>>(
            Imports.Query().OrderByDescending("_id").Limit(Math.Max(1, limit)).ToList().Select(WithRemaining).ToList()));

    public Task<IReadOnlyList<long>?> RemoveImportBatchAsync(long id, CancellationToken cancellationToken)
    {
        var imports = Imports;
        var found = false;
        var sourceIds = new List<long>();
        // The sources are known inside the write; the search index reads them once it is committed.
        IReadOnlyCollection<long> removedSources = sourceIds;
        WriteSearchable(() =>
        {
            found = imports.Delete(id);
            if (found)
            {
                sourceIds.AddRange(_sources.Query().Where(Where.Equal(ImportBatchField, id)).Select("_id").ToEnumerable().Select(d => d["_id"].AsInt64));
                sourceIds.ForEach(sourceId => DeleteSource(sourceId, keepArticles: false));
            }
        }, [], removedSources);
        if (!found)
        {
            return Task.FromResult<IReadOnlyList<long>?>(null);
        }

        sourceIds.ForEach(_sourceDirectory.Remove);
        SourcesChanged();
        return Task.FromResult<IReadOnlyList<long>?>(sourceIds);
    }

    private ImportBatch WithRemaining(ImportBatch batch)
    {
        batch.Remaining = _sources.Count(Where.Equal(ImportBatchField, batch.Id));
        return batch;
    }
}
