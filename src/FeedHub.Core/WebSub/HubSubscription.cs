namespace FeedHub.Core.WebSub;

/// <summary>
/// A verified WebSub subscription to one of FeedHub's own feeds (FeedHub as the hub): who is called back, until when,
/// with which secret, and what was last delivered to them.
/// </summary>
public sealed class HubSubscription
{
    public long Id { get; set; }

    /// <summary>The topic as the subscriber named it (one of FeedHub's feed addresses).</summary>
    public required string Topic { get; set; }

    /// <summary>Where new content is POSTed.</summary>
    public required string Callback { get; set; }

    /// <summary>The subscriber's <c>hub.secret</c>: deliveries carry an HMAC of their body made with it; null for none.</summary>
    public string? Secret { get; set; }

    /// <summary>The lease granted at the last verification, in seconds.</summary>
    public int LeaseSeconds { get; set; }

    /// <summary>When the lease ends; nothing is delivered afterwards unless the subscriber renews.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the subscriber last confirmed its intent (a subscription or a renewal).</summary>
    public DateTimeOffset VerifiedAt { get; set; }

    /// <summary>A digest of the content last delivered (or given up on after every retry): a new one means a change.</summary>
    public string? ContentHash { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public long Deliveries { get; set; }

    /// <summary>Failed attempts at delivering the current content (0 once it is delivered).</summary>
    public int FailedAttempts { get; set; }

    /// <summary>What went wrong with the last failed delivery, for a curator; null after a success.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;
}
