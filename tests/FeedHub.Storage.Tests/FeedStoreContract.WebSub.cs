using FeedHub.Core.WebSub;

namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_hub_subscription_is_renewed_in_place_keeping_its_id_creation_and_delivery_record()
    {
        var first = await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.atom", "https://reader.example/cb?id=1", T0, leaseSeconds: 60, "first-secret"), default);
        first.ContentHash = "abc";
        first.DeliveredAt = T0.AddSeconds(10);
        first.Deliveries = 2;
        first.FailedAttempts = 1;
        first.LastError = "the callback answered 500";
        first.LastErrorAt = T0.AddSeconds(20);
        await Store.UpdateHubSubscriptionAsync(first, default);
        var other = await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.rss", "https://reader.example/cb?id=1", T0, leaseSeconds: 60, secret: null), default);

        var renewed = await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.atom", "https://reader.example/cb?id=1", T0.AddMinutes(1), leaseSeconds: 120, "second-secret"), default);
        Store = await ReopenAsync(Store);

        Assert.Equal(first.Id, renewed.Id);
        Assert.NotEqual(first.Id, other.Id);
        var stored = await Store.FindHubSubscriptionAsync("https://hub.example/feed.atom", "https://reader.example/cb?id=1", default);
        Assert.NotNull(stored);
        Assert.Equal(("second-secret", 120, T0.AddMinutes(1).AddSeconds(120), T0, T0.AddMinutes(1)), (stored.Secret, stored.LeaseSeconds, stored.ExpiresAt, stored.CreatedAt, stored.VerifiedAt));
        Assert.Equal(("abc", T0.AddSeconds(10), 2L, 1, "the callback answered 500", T0.AddSeconds(20)),
            (stored.ContentHash, stored.DeliveredAt, stored.Deliveries, stored.FailedAttempts, stored.LastError, stored.LastErrorAt));
        Assert.Equal(TimeSpan.Zero, stored.ExpiresAt.Offset);
        Assert.Null((await Store.GetHubSubscriptionAsync(other.Id, default))!.Secret);
        Assert.Null(await Store.FindHubSubscriptionAsync("https://hub.example/feed.atom", "https://reader.example/cb?id=2", default));
        Assert.Equal([first.Id, other.Id], (await Store.ListHubSubscriptionsAsync(default)).Select(s => s.Id));
    }

    [Fact]
    public async Task Hub_subscriptions_end_when_removed_and_are_forgotten_a_while_after_their_lease()
    {
        var ended = await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.atom", "https://a.example/cb", T0, leaseSeconds: 60, null), default);
        var lapsed = await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.atom", "https://b.example/cb", T0, leaseSeconds: 60, null), default);
        var live = await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.atom", "https://c.example/cb", T0, leaseSeconds: 3600, null), default);

        Assert.True(await Store.RemoveHubSubscriptionAsync(ended.Id, default));
        Assert.False(await Store.RemoveHubSubscriptionAsync(ended.Id, default));
        Assert.Equal(1, await Store.RemoveHubSubscriptionsExpiredBeforeAsync(T0.AddMinutes(2), default));

        Assert.Null(await Store.GetHubSubscriptionAsync(lapsed.Id, default));
        Assert.Equal([live.Id], (await Store.ListHubSubscriptionsAsync(default)).Select(s => s.Id));
        Assert.True(live.IsExpired(T0.AddHours(1)));
        Assert.False(live.IsExpired(T0.AddMinutes(59)));
    }

    /// <summary>A delivery read the subscription before its subscriber renewed it and saves what it did after: the renewal stays.</summary>
    [Fact]
    public async Task A_delivery_saved_after_a_renewal_keeps_the_renewed_secret_and_lease()
    {
        var subscription = await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.atom", "https://reader.example/cb", T0, leaseSeconds: 60, "first-secret"), default);
        var delivery = (await Store.GetHubSubscriptionAsync(subscription.Id, default))!;

        await Store.UpsertHubSubscriptionAsync(HubSubscriptionOf("https://hub.example/feed.atom", "https://reader.example/cb", T0.AddMinutes(1), leaseSeconds: 3600, "second-secret"), default);
        (delivery.ContentHash, delivery.DeliveredAt, delivery.Deliveries) = ("abc", T0.AddMinutes(2), 1);
        await Store.UpdateHubSubscriptionAsync(delivery, default);

        var stored = (await Store.GetHubSubscriptionAsync(subscription.Id, default))!;
        Assert.Equal(("second-secret", 3600, T0.AddMinutes(1).AddSeconds(3600), T0.AddMinutes(1)), (stored.Secret, stored.LeaseSeconds, stored.ExpiresAt, stored.VerifiedAt));
        Assert.Equal(("abc", T0.AddMinutes(2), 1L), (stored.ContentHash, stored.DeliveredAt, stored.Deliveries));
    }

    /// <summary>A renewal read the push before pushes arrived and saves it after: the pushes counted meanwhile stay.</summary>
    [Fact]
    public async Task A_push_subscription_saved_from_an_older_copy_keeps_the_pushes_counted_meanwhile()
    {
        var source = await Store.AddSourceAsync(NewSource("https://blog.example/feed"), default);
        await Store.SaveSourcePushAsync(new SourcePush
        {
            SourceId = source.Id, Hub = "https://hub.example/", Topic = "https://blog.example/feed", CallbackKey = "key", Secret = "secret",
            State = PushState.Active, RequestedAt = T0,
        }, default);
        var renewal = (await Store.GetSourcePushAsync(source.Id, default))!;

        await Store.CountPushAsync(source.Id, null, T0.AddMinutes(1), default);
        await Store.CountPushAsync(source.Id, null, T0.AddMinutes(2), default);
        await Store.CountPushAsync(source.Id, "bad signature", T0.AddMinutes(3), default);
        (renewal.State, renewal.RequestedAt) = (PushState.Pending, T0.AddMinutes(4));
        await Store.SaveSourcePushAsync(renewal, default);

        var stored = (await Store.GetSourcePushAsync(source.Id, default))!;
        Assert.Equal((PushState.Pending, T0.AddMinutes(4)), (stored.State, stored.RequestedAt));
        Assert.Equal((2L, 1L, T0.AddMinutes(2)), (stored.PushesReceived, stored.PushesRefused, stored.LastPushAt));
        Assert.Equal(("bad signature", T0.AddMinutes(3)), (stored.LastRefusal, stored.LastRefusalAt));
    }

    [Fact]
    public async Task A_source_push_round_trips_counts_pushes_without_losing_any_and_goes_with_its_source()
    {
        var source = await Store.AddSourceAsync(NewSource("https://blog.example/feed"), default);
        var kept = await Store.AddSourceAsync(NewSource("https://kept.example/feed"), default);
        await Store.SaveSourcePushAsync(new SourcePush
        {
            SourceId = source.Id, Hub = "https://hub.example/", Topic = "https://blog.example/feed", CallbackKey = "key", Secret = "secret",
            State = PushState.Pending, RequestedAt = T0,
        }, default);
        await Store.SaveSourcePushAsync(new SourcePush
        {
            SourceId = kept.Id, Hub = "https://hub.example/", Topic = "https://kept.example/feed", CallbackKey = "k2", Secret = "s2",
            State = PushState.Refused, Reason = "the hub answered 403", RequestedAt = T0,
        }, default);
        var push = (await Store.GetSourcePushAsync(source.Id, default))!;
        push.State = PushState.Active;
        push.VerifiedAt = T0.AddSeconds(5);
        push.LeaseExpiresAt = T0.AddDays(10);
        await Store.SaveSourcePushAsync(push, default);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.CountPushAsync(source.Id, i % 4 == 0 ? $"bad signature {i}" : null, T0.AddMinutes(i), default)));
        await Store.CountPushAsync(12345, null, T0, default);
        Store = await ReopenAsync(Store);

        var stored = (await Store.GetSourcePushAsync(source.Id, default))!;
        Assert.Equal((PushState.Active, "key", "secret", T0.AddSeconds(5), T0.AddDays(10)), (stored.State, stored.CallbackKey, stored.Secret, stored.VerifiedAt, stored.LeaseExpiresAt));
        Assert.Equal((15L, 5L), (stored.PushesReceived, stored.PushesRefused));
        Assert.StartsWith("bad signature", stored.LastRefusal, StringComparison.Ordinal);
        Assert.NotNull(stored.LastPushAt);
        Assert.True(stored.IsLive(T0.AddDays(1)));
        Assert.False(stored.IsLive(T0.AddDays(11)));
        Assert.Equal([source.Id, kept.Id], (await Store.ListSourcePushesAsync(default)).Select(p => p.SourceId));

        await Store.RemoveSourceAsync(source.Id, keepArticles: true, default);
        var again = await Store.AddSourceAsync(NewSource("https://new.example/feed"), default);

        Assert.Null(await Store.GetSourcePushAsync(source.Id, default));
        Assert.Null(await Store.GetSourcePushAsync(again.Id, default));
        Assert.Equal("the hub answered 403", (await Store.GetSourcePushAsync(kept.Id, default))!.Reason);
        Assert.True(await Store.RemoveSourcePushAsync(kept.Id, default));
        Assert.Empty(await Store.ListSourcePushesAsync(default));
    }

    private static HubSubscription HubSubscriptionOf(string topic, string callback, DateTimeOffset verifiedAt, int leaseSeconds, string? secret) => new()
    {
        Topic = topic,
        Callback = callback,
        Secret = secret,
        LeaseSeconds = leaseSeconds,
        ExpiresAt = verifiedAt.AddSeconds(leaseSeconds),
        CreatedAt = verifiedAt,
        VerifiedAt = verifiedAt,
    };
}
