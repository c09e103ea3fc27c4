namespace FeedHub.Core.Storage;

/// <summary>Article pages still to fetch, as a worker that starts finds them.</summary>
public partial interface IFeedStore
{
    /// <summary>
    /// The articles still waiting for their page to be fetched (extraction pending, with a link), by id after
    /// <paramref name="afterId"/>, at most <paramref name="limit"/>: an indexed look-up, read in pages at a start to put
    /// back in the queue what a queue kept in memory lost.
    /// </summary>
    Task<IReadOnlyList<PendingPage>> ListPendingPagesAsync(long afterId, int limit, CancellationToken cancellationToken);
}

/// <summary>An article whose page is still to be fetched, and that page's address.</summary>
public readonly record struct PendingPage(long ArticleId, string Link);
