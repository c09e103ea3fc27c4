using FeedHub.Core.Model;

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

/// <summary>What a feed's items change in the store (<see cref="ArticleIngester.PlanAsync"/>), decided and not yet saved.</summary>
/// <param name="Inserts">New articles, without ids until saved.</param>
/// <param name="Updates">Stored articles whose feed entry changed, as they are to be saved.</param>
/// <param name="Unchanged">Entries the store already had as they are.</param>
/// <param name="Deferred">New articles left for later polls by the cap on articles added per poll.</param>
public sealed record IngestPlan(IReadOnlyList<Article> Inserts, IReadOnlyList<Article> Updates, int Unchanged, int Deferred)
{
    public bool HasWrites => Inserts.Count > 0 || Updates.Count > 0;

    /// <summary>The outcome, once saved (the new articles have their ids).</summary>
    public IngestResult Result()
        => new(Inserts.Count, Updates.Count, Unchanged, Inserts.Concat(Updates).Where(a => a.Extraction == ExtractionState.Pending).Select(a => a.Id).ToList())
        {
            Deferred = Deferred,
        };
}
