using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

/// <summary>
/// A digest day as the digest shows it: a few short fields per article read from the river's index range, never the
/// article bodies, and the names of the sources they come from, never their fetch state (a day of 2,000 posts from
/// 2,000 sources is a page, not 4,000 documents).
/// </summary>
public partial interface IFeedStore
{
    /// <summary>
    /// The posts whose sort date falls in <paramref name="period"/>, newest first (as the river orders them: sort date,
    /// then id), at most <paramref name="limit"/> of them.
    /// </summary>
    Task<IReadOnlyList<DigestPost>> ListDigestPostsAsync(TimeRange period, int limit, CancellationToken cancellationToken);

    /// <summary>The name and categories of each of these sources that exists (a digest day's headings), in no particular order.</summary>
    Task<IReadOnlyList<SourceHeading>> GetSourceHeadingsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}

/// <summary>What the digest page and the digest feed show of one article.</summary>
public sealed record DigestPost(
    long Id, long SourceId, string? Title, string? Link, string? Author, string? Language, DateTimeOffset SortDate, DateTimeOffset ChangedAt)
{
    /// <summary>The first article of the story when this one is another source's copy of it (<see cref="Article.DuplicateOf"/>).</summary>
    public long? DuplicateOf { get; init; }
}

/// <summary>What the digest shows of a source: its name (as <see cref="Source.Name"/>) and categories, in order, without repeats.</summary>
public sealed record SourceHeading(long Id, string Name, IReadOnlyList<string> Categories);
