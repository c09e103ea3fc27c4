using FeedHub.Core.Storage;
using FeedHub.Core.WebSub;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Api;

/// <summary><c>/api/websub/subscriptions</c>: who subscribes to FeedHub's feeds through its hub, and how their deliveries go.</summary>
public static class WebSubApi
{
    public static RouteGroupBuilder MapWebSubApi(this RouteGroupBuilder api)
    {
        api.MapGroup("/websub").WithTags("WebSub")
            .MapGet("/subscriptions", ListAsync).WithSummary("The hub's subscriptions (secrets never shown), expired ones for a day after their lease");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<HubSubscriptionDto>>> ListAsync(IFeedStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var subscriptions = await store.ListHubSubscriptionsAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<HubSubscriptionDto>>(subscriptions.Select(s => HubSubscriptionDto.Of(s, now)).ToList());
    }
}

/// <summary>A subscription to one of FeedHub's feeds, as curators see it.</summary>
public sealed record HubSubscriptionDto(
    long Id,
    string Topic,
    string Callback,
    string State,
    bool HasSecret,
    int LeaseSeconds,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset VerifiedAt,
    DateTimeOffset? DeliveredAt,
    long Deliveries,
    int FailedAttempts,
    string? LastError)
{
    public static HubSubscriptionDto Of(HubSubscription s, DateTimeOffset now) => new(
        s.Id, s.Topic, s.Callback, s.IsExpired(now) ? "expired" : "active", s.Secret is not null, s.LeaseSeconds, s.ExpiresAt, s.CreatedAt, s.VerifiedAt,
        s.DeliveredAt, s.Deliveries, s.FailedAttempts, s.LastError);
}
