using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

/// <summary>
/// Moving through the river one step at a time, as readers do from day to day in the digest and from article to
/// article: each answer is a probe of the river's index (one per period for <see cref="HaveArticlesAsync"/>),
/// whatever the number of articles, so no page reads more than it shows.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>
    /// The sort date of the article nearest to <paramref name="instant"/>: the newest one strictly before it
    /// (<see cref="TimeDirection.Older"/>) or the oldest one at or after it (<see cref="TimeDirection.Newer"/>); null
    /// when there is none that way.
    /// </summary>
    Task<DateTimeOffset?> FindNearestArticleDateAsync(DateTimeOffset instant, TimeDirection direction, CancellationToken cancellationToken);

    /// <summary>For each period, in the order given, whether the sort date of any article falls in it (the calendar's days with posts).</summary>
    Task<IReadOnlyList<bool>> HaveArticlesAsync(IReadOnlyList<TimeRange> periods, CancellationToken cancellationToken);

    /// <summary>
    /// The story next to position <paramref name="at"/> in the river of stories (leading articles only, as the reading
    /// list shows them): the next newer one or the next older one; null at either end of the river.
    /// </summary>
    Task<Article?> FindAdjacentStoryAsync(ArticleCursor at, TimeDirection direction, CancellationToken cancellationToken);
}

/// <summary>Which way to look along the river.</summary>
public enum TimeDirection
{
    Older,
    Newer,
}

/// <summary>A stretch of time: from <see cref="Start"/> (included) to <see cref="End"/> (excluded).</summary>
public readonly record struct TimeRange(DateTimeOffset Start, DateTimeOffset End);
