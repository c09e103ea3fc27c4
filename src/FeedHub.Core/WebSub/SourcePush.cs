namespace FeedHub.Core.WebSub;

/// <summary>
/// FeedHub as a WebSub subscriber of one source: the hub its feed advertises, the subscription asked of it, and what
/// arrived through it. One per source at most.
/// </summary>
public sealed class SourcePush
{
    public long SourceId { get; set; }

    /// <summary>The hub the subscription is with.</summary>
    public required string Hub { get; set; }

    /// <summary>The topic subscribed to: the feed's own <c>rel="self"</c> address, else its feed URL.</summary>
    public required string Topic { get; set; }

    /// <summary>A random key in the callback's path, so that only this subscription's hub knows where to call.</summary>
    public required string CallbackKey { get; set; }

    /// <summary>The <c>hub.secret</c> given to the hub: pushed content must be signed with it.</summary>
    public required string Secret { get; set; }

    public PushState State { get; set; }

    /// <summary>Why push is refused, expired or off, in words a curator can act on.</summary>
    public string? Reason { get; set; }

    /// <summary>When the subscription (or its last renewal) was asked for.</summary>
    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>When the hub last verified the subscription.</summary>
    public DateTimeOffset? VerifiedAt { get; set; }

    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Pushes whose signature held, ingested like a poll.</summary>
    public long PushesReceived { get; set; }

    /// <summary>Pushes answered 2xx but ignored (no or wrong signature, not a feed).</summary>
    public long PushesRefused { get; set; }

    public DateTimeOffset? LastPushAt { get; set; }

    public string? LastRefusal { get; set; }

    public DateTimeOffset? LastRefusalAt { get; set; }

    /// <summary>Active with a lease that has not ended: polling can wait for the safety net's long interval.</summary>
    public bool IsLive(DateTimeOffset now) => State == PushState.Active && LeaseExpiresAt > now;
}

public enum PushState
{
    /// <summary>Asked of the hub; its verification of intent has not arrived yet.</summary>
    Pending,

    /// <summary>Verified: the hub pushes new content.</summary>
    Active,

    /// <summary>The lease ended without a renewal; FeedHub asks again.</summary>
    Expired,

    /// <summary>The hub refused or denied the subscription (see the reason).</summary>
    Refused,

    /// <summary>The feed has a hub but FeedHub cannot subscribe (for example, no public address to be called back on).</summary>
    Off,
}
