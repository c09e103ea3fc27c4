using FeedHub.Core.WebSub;

namespace FeedHub.Core.Storage;

/// <summary>
/// WebSub in both directions: the subscriptions FeedHub holds as the hub of its own feeds (one per topic and
/// callback), and, per source, the subscription FeedHub asked of the hub the source's feed advertises. Removing a
/// source removes its push subscription.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>
    /// Stores a verified subscription, or renews the one with the same topic and callback: its secret, lease,
    /// expiry and verification time are replaced; its id, creation time and delivery record are kept. Returns it as stored.
    /// </summary>
    Task<HubSubscription> UpsertHubSubscriptionAsync(HubSubscription subscription, CancellationToken cancellationToken);

    /// <summary>
    /// Saves what a delivery did (content digest, times, counters, error), and only that: a renewal saved while the
    /// delivery ran (secret, lease, expiry, verification) stays.
    /// </summary>
    Task UpdateHubSubscriptionAsync(HubSubscription subscription, CancellationToken cancellationToken);

    Task<HubSubscription?> GetHubSubscriptionAsync(long id, CancellationToken cancellationToken);

    Task<HubSubscription?> FindHubSubscriptionAsync(string topic, string callback, CancellationToken cancellationToken);

    /// <summary>Every subscription, expired ones too, by id.</summary>
    Task<IReadOnlyList<HubSubscription>> ListHubSubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>Ends a subscription (unsubscribed, or its callback answered 410). False if there was none.</summary>
    Task<bool> RemoveHubSubscriptionAsync(long id, CancellationToken cancellationToken);

    /// <summary>Forgets subscriptions whose lease ended before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> RemoveHubSubscriptionsExpiredBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task<SourcePush?> GetSourcePushAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the push subscription of a source, replacing the one it had. Its delivery record (counts, last push,
    /// last refusal) is written by <see cref="CountPushAsync"/> alone: one already stored is kept, so a save made from
    /// a copy read before pushes were counted never takes the counts back.
    /// </summary>
    Task SaveSourcePushAsync(SourcePush push, CancellationToken cancellationToken);

    /// <summary>Every source's push subscription, by source id.</summary>
    Task<IReadOnlyList<SourcePush>> ListSourcePushesAsync(CancellationToken cancellationToken);

    Task<bool> RemoveSourcePushAsync(long sourceId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one push that arrived for a source, in one write that concurrent pushes cannot lose: accepted (ingested),
    /// or refused with the reason. Nothing happens if the source has no push subscription.
    /// </summary>
    Task CountPushAsync(long sourceId, string? refusal, DateTimeOffset at, CancellationToken cancellationToken);
}
