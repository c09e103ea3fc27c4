using System.Globalization;
using System.Security.Cryptography;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Core.WebSub;
using Quartz;

namespace FeedHub.WebSub;

/// <summary>
/// Verifies a subscriber's intent (WebSub §5.3): a GET to its callback with <c>hub.challenge</c>, which it must echo
/// with a 2xx. Only then is the subscription stored (or renewed, or removed for an unsubscribe); a request for a
/// topic FeedHub is not the hub of gets <c>hub.mode=denied</c> with the reason instead.
/// </summary>
public sealed partial class HubVerifyJob(
    IHttpClientFactory clients, IFeedStore store, TopicRenderer renderer, WebSubHub hub, WebSubScheduler queue, TimeProvider timeProvider, ILogger<HubVerifyJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var (mode, topic, callback) = (data.GetString(WebSubScheduler.ModeKey)!, data.GetString(WebSubScheduler.TopicKey)!, data.GetString(WebSubScheduler.CallbackKey)!);
        var lease = data.GetInt(WebSubScheduler.LeaseKey);
        var secret = data.GetString(WebSubScheduler.SecretKey) is { Length: > 0 } s ? s : null;
        var client = clients.CreateClient(WebSubHttp.ClientName);
        if (data.GetString(WebSubScheduler.DeniedKey) is { Length: > 0 } denied)
        {
            var url = WebSubHttp.WithQuery(callback, [("hub.mode", "denied"), ("hub.topic", topic), ("hub.reason", denied)]);
            try
            {
                using var response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The denial is a courtesy: nothing is stored either way.
            }

            LogDenied(logger, topic, callback, denied);
            return;
        }

        var challenge = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        List<(string, string)> parameters = [("hub.mode", mode), ("hub.topic", topic), ("hub.challenge", challenge)];
        if (mode == "subscribe")
        {
            parameters.Add(("hub.lease_seconds", lease.ToString(CultureInfo.InvariantCulture)));
        }

        var verification = WebSubHttp.WithQuery(callback, parameters);
        string? refusal;
        try
        {
            using var response = await client.GetAsync(verification, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var echo = await WebSubHttp.ReadAnswerAsync(response, cancellationToken).ConfigureAwait(false);
            refusal = !response.IsSuccessStatusCode ? $"the callback answered {(int)response.StatusCode}"
                : echo.Trim() != challenge ? "the callback did not echo hub.challenge"
                : null;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            refusal = WebSubHttp.Describe(failure, verification);
        }

        if (refusal is not null)
        {
            LogNotVerified(logger, mode, topic, callback, refusal);
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (mode == "unsubscribe")
        {
            if (await store.FindHubSubscriptionAsync(topic, callback, cancellationToken).ConfigureAwait(false) is { } ended)
            {
                await store.RemoveHubSubscriptionAsync(ended.Id, cancellationToken).ConfigureAwait(false);
                await queue.ForgetDeliveriesAsync(ended.Id, cancellationToken).ConfigureAwait(false);
            }

            LogUnsubscribed(logger, topic, callback);
            return;
        }

        // Only changes after the subscription are delivered: what the subscriber can fetch now is its starting point.
        var feed = FeedTopic.Parse(topic, hub.OriginOf(new Uri(topic)), out _);
        RenderedTopic? current = null;
        try
        {
            current = feed is null ? null : await renderer.RenderAsync(feed, cancellationToken).ConfigureAwait(false);
        }
        catch (SearchIndexBuildingException)
        {
            // A saved search while the index is rebuilt: its starting point is unknown, so the first run after the
            // rebuild delivers what it then finds.
        }

        var stored = await store.UpsertHubSubscriptionAsync(new HubSubscription
        {
            Topic = topic,
            Callback = callback,
            Secret = secret,
            LeaseSeconds = lease,
            ExpiresAt = now.AddSeconds(lease),
            CreatedAt = now,
            VerifiedAt = now,
            ContentHash = current?.Hash,
        }, cancellationToken).ConfigureAwait(false);
        LogSubscribed(logger, stored.Id, topic, callback, lease);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: subscription {Id} to {Topic} for {Callback} verified, lease {LeaseSeconds} s")]
    private static partial void LogSubscribed(ILogger logger, long id, string topic, string callback, int leaseSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: {Callback} unsubscribed from {Topic}")]
    private static partial void LogUnsubscribed(ILogger logger, string topic, string callback);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSub: {Mode} of {Callback} to {Topic} not verified: {Refusal}")]
    private static partial void LogNotVerified(ILogger logger, string mode, string topic, string callback, string refusal);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: denied {Callback} a subscription to {Topic}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string topic, string callback, string reason);
}
