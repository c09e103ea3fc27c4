namespace FeedHub.Core.Ingest;

/// <param name="Added">New articles.</param>
/// <param name="Updated">Articles whose feed entry changed.</param>
/// <param name="Unchanged">Entries the store already had as they are.</param>
/// <param name="PendingExtraction">Articles whose page must be fetched for their full text.</param>
public readonly record struct IngestResult(int Added, int Updated, int Unchanged, IReadOnlyList<long> PendingExtraction)
{
    /// <summary>New articles left for later polls by the cap on articles added per poll.</summary>
    public int Deferred { get; init; }
}
