using FeedHub.Core.Model;

namespace FeedHub.Core.Polling;

/// <summary>What one poll of one source did.</summary>
public sealed record PollReport(long SourceId, string SourceName, PollOutcome Outcome, int Added, int Updated, string? Error, DateTimeOffset? NextPollAt)
{
    /// <summary>Articles whose page must now be fetched for their full text.</summary>
    public IReadOnlyList<long> PendingExtraction { get; init; } = [];

    /// <summary>The store refused the poll's writes: the feed is not to blame, and nothing of the poll was kept.</summary>
    public bool StorageFailed { get; init; }
}

public enum PollOutcome
{
    Updated,
    NotModified,
    Failed,
    Skipped,
}
