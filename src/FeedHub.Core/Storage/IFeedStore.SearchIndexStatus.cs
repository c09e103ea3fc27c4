namespace FeedHub.Core.Storage;

/// <summary>
/// What the search index is doing, for curators (the sources page and <c>GET /api/sources</c>), who otherwise learn
/// only from the logs that search is not at its best yet.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>
    /// The search index's state. Cheap enough for every request: a ready index is known from memory, and only while
    /// it is not is the database asked how far a build got.
    /// </summary>
    Task<SearchIndexStatus> GetSearchIndexStatusAsync(CancellationToken cancellationToken);
}

public enum SearchIndexPhase
{
    /// <summary>Every search is answered by the complete index.</summary>
    Ready,

    /// <summary>
    /// PostgreSQL's word-pairs index is being built in the background (by this process or another); phrases are
    /// answered from the words index meanwhile: the same results, more slowly.
    /// </summary>
    PhrasesIndexBuilding,

    /// <summary>PostgreSQL's word-pairs index is missing and no build is running (one failed); the next start builds it.</summary>
    PhrasesIndexMissing,

    /// <summary>The store was opened without its search index (a copy between stores): searches are refused.</summary>
    Off,

    /// <summary>
    /// The embedded store's whole index is being built again in the background (it was lost, corrupt, written by
    /// another version or belongs to another database): searches are refused until it is done, everything else works.
    /// Done and Total count articles.
    /// </summary>
    Building,

    /// <summary>
    /// The embedded store's rebuild failed (Error says why: a full disk, a damaged folder); it starts over after a
    /// wait, and searches are refused until one attempt is done. Done and Total are where the failed attempt stopped.
    /// </summary>
    Failed,
}

/// <param name="Phase">What the index is doing.</param>
/// <param name="Since">When the build under way began.</param>
/// <param name="Done">How far the build got, in <paramref name="Total"/>'s unit (PostgreSQL's blocks, the embedded store's articles); 0 when unknown.</param>
/// <param name="Total">The work the build's current step has to do; 0 when unknown.</param>
/// <param name="Error">Why the build failed (<see cref="SearchIndexPhase.Failed"/>), as the system said it.</param>
public sealed record SearchIndexStatus(SearchIndexPhase Phase, DateTimeOffset? Since = null, long Done = 0, long Total = 0, string? Error = null)
{
    public static SearchIndexStatus Ready { get; } = new(SearchIndexPhase.Ready);
}
