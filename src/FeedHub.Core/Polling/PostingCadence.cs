using FeedHub.Core.Parser;

namespace FeedHub.Core.Polling;

/// <summary>
/// How often a feed posts, read off the dates of the items it gives: its newest post and the usual gap between posts.
/// Kept on the source at each full poll, so its health can tell "quiet for far longer than usual" without reading
/// its articles.
/// </summary>
public static class PostingCadence
{
    /// <summary>Gaps needed before the median says anything (three dated posts).</summary>
    private const int MinGaps = 2;

    /// <summary>
    /// The newest post date of <paramref name="document"/> that is not after <paramref name="now"/>, and the median gap
    /// between its distinct post dates; null when the feed dates nothing (or too little for a gap).
    /// </summary>
    public static (DateTimeOffset? LatestPostAt, TimeSpan? UsualInterval) Of(FeedDocument document, DateTimeOffset now)
    {
        var dates = document.Items
            .Select(item => item.Published ?? item.Updated)
            .OfType<DateTimeOffset>()
            .Where(date => date <= now)
            .Distinct()
            .OrderDescending()
            .ToList();
        if (dates.Count == 0)
        {
            return (null, null);
        }

        if (dates.Count <= MinGaps)
        {
            return (dates[0], null);
        }

        var gaps = dates.Zip(dates.Skip(1), (newer, older) => newer - older).Order().ToList();
        var middle = gaps.Count / 2;
        var median = gaps.Count % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2;
        return (dates[0], median);
    }
}
