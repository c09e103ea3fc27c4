namespace FeedHub.Core.Model;

/// <summary>What FeedHub knows about polling one source: validators, outcome, counters and the next poll.</summary>
public sealed class FetchState
{
    public string? ETag { get; set; }

    public string? LastModified { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? LastSuccessAt { get; set; }

    /// <summary>When the last article that was new to FeedHub arrived.</summary>
    public DateTimeOffset? LastNewItemAt { get; set; }

    public DateTimeOffset? NextPollAt { get; set; }

    public int? LastStatusCode { get; set; }

    /// <summary>A message a curator can act on; null after a successful poll.</summary>
    public string? LastError { get; set; }

    public FetchErrorKind? LastErrorKind { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public int ConsecutiveFailures { get; set; }

    public long PollCount { get; set; }

    public long NotModifiedCount { get; set; }

    public long ErrorCount { get; set; }

    public long BytesReceived { get; set; }

    /// <summary>Bytes a 304 spared, estimated from the size of the last full response.</summary>
    public long BytesSaved { get; set; }

    public long LastBodySize { get; set; }

    /// <summary>A permanent redirect seen on recent polls that has not been seen often enough to move the source.</summary>
    public string? PendingRedirectUrl { get; set; }

    public int PendingRedirectCount { get; set; }

    /// <summary>The address the source was moved from after a consistent permanent redirect.</summary>
    public string? MovedFrom { get; set; }

    public DateTimeOffset? MovedAt { get; set; }

    /// <summary>What the parser had to recover from on the last poll (the feed was read, but is malformed).</summary>
    public string? ParseWarning { get; set; }

    /// <summary>How many items the last full response held (a feed that turns into garbage keeps none).</summary>
    public int? LastItemCount { get; set; }

    /// <summary>The date of the newest post in the last full response (never later than that poll).</summary>
    public DateTimeOffset? LatestPostAt { get; set; }

    /// <summary>The usual gap between the feed's posts (the median gap between the dates of its items), when it has enough of them.</summary>
    public TimeSpan? UsualPostInterval { get; set; }

    /// <summary>
    /// How often the publisher asks to be read (RSS <c>ttl</c>, <c>sy:updatePeriod</c> and <c>sy:updateFrequency</c>)
    /// in the last full response: a 304 reads no document, and the schedule still honours what it asked.
    /// </summary>
    public TimeSpan? PublisherInterval { get; set; }

    /// <summary>A copy to change or keep apart from this one (every member is a value or an immutable string).</summary>
    public FetchState Copy() => (FetchState)MemberwiseClone();
}

public enum FetchErrorKind
{
    InvalidUrl,
    Blocked,
    Network,
    Timeout,
    TooLarge,
    TooManyRedirects,
    HttpStatus,
    RateLimited,
    Gone,
    NotAFeed,
    Parse,

    /// <summary>The poll's articles or state could not be written (a full disk, a database refusing writes).</summary>
    Storage,
}
