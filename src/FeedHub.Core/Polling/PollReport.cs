using FeedHub.Core.Model;
using FeedHub.Core.WebSub;

namespace FeedHub.Core.Polling;

/// <summary>What one poll of one source did.</summary>
public sealed record PollReport(long SourceId, string SourceName, PollOutcome Outcome, int Added, int Updated, string? Error, DateTimeOffset? NextPollAt)
{
    /// <summary>Articles whose page must now be fetched for their full text.</summary>
    public IReadOnlyList<long> PendingExtraction { get; init; } = [];

    /// <summary>The WebSub hubs the feed advertised; null when no document was read (not modified, failed).</summary>
    public IReadOnlyList<string>? WebSubHubs { get; init; }

    /// <summary>The feed's WebSub topic: its own <c>rel="self"</c> address, else the address it was fetched from.</summary>
    public string? WebSubTopic { get; init; }

    /// <summary>The source's push subscription as the poll found it (null when it has none).</summary>
    public SourcePush? Push { get; init; }

    /// <summary>The store refused the poll's writes: the feed is not to blame, and nothing of the poll was kept.</summary>
    public bool StorageFailed { get; init; }

    /// <summary>
    /// The next poll time the poll started from (the source's stored one): it stays in the store until the poll's save
    /// lands, which for a quiet poll is up to a second later (<see cref="QuietPollSaves"/>), and is no refresh.
    /// </summary>
    public DateTimeOffset? DueAt { get; init; }
}

public enum PollOutcome
{
    Updated,
    NotModified,
    Failed,
    Skipped,
}
