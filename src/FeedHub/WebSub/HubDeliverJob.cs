using System.Net.Http.Headers;
using FeedHub.Core.Storage;
using FeedHub.Core.WebSub;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedHub.WebSub;

/// <summary>
/// Delivers a topic's new content to one subscriber (WebSub §7): a POST of the whole feed document with its media
/// type, the <c>Link</c> header naming the hub and the topic, and <c>X-Hub-Signature: sha256=…</c> when the
/// subscriber gave a secret. A 2xx is a delivery; a 410 ends the subscription; anything else is retried with a
/// doubling backoff, up to <see cref="WebSubHubOptions.DeliveryAttempts"/> times. One job per subscription, so a
/// subscriber never gets two deliveries at once, and on a cluster exactly one worker delivers.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class HubDeliverJob(
    IHttpClientFactory clients, IFeedStore store, TopicRenderer renderer, WebSubHub hub, WebSubScheduler queue, IOptions<WebSubOptions> options,
    TimeProvider timeProvider, ILogger<HubDeliverJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var id = data.GetLong(WebSubScheduler.SubscriptionIdKey);
        var attempt = data.TryGetInt(WebSubScheduler.AttemptKey, out var n) ? n : 1;
        var now = timeProvider.GetUtcNow();
        if (await store.GetHubSubscriptionAsync(id, cancellationToken).ConfigureAwait(false) is not { } subscription || subscription.IsExpired(now)
            || FeedTopic.Parse(subscription.Topic, hub.OriginOf(new Uri(subscription.Topic)), out _) is not { } topic)
        {
            return;
        }

        // The newest content, whatever change queued this delivery; nothing to do when the subscriber already has it.
        var content = await renderer.RenderAsync(topic, cancellationToken).ConfigureAwait(false);
        if (content.Hash == subscription.ContentHash)
        {
            return;
        }

        var failure = await PostAsync(subscription, content, cancellationToken).ConfigureAwait(false);
        now = timeProvider.GetUtcNow();
        if (failure is null)
        {
            subscription.ContentHash = content.Hash;
            subscription.DeliveredAt = now;
            subscription.Deliveries++;
            subscription.FailedAttempts = 0;
            subscription.LastError = null;
            subscription.LastErrorAt = null;
            await store.UpdateHubSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false);
            LogDelivered(logger, content.Self, subscription.Callback, content.Body.Length);
            return;
        }

        if (failure.Value.Gone)
        {
            await store.RemoveHubSubscriptionAsync(subscription.Id, cancellationToken).ConfigureAwait(false);
            LogGone(logger, subscription.Topic, subscription.Callback);
            return;
        }

        var settings = options.Value.Hub;
        subscription.FailedAttempts++;
        subscription.LastErrorAt = now;
        if (attempt < settings.DeliveryAttempts)
        {
            var delay = settings.RetryDelay(attempt);
            subscription.LastError = $"{failure.Value.Why}; attempt {attempt} of {settings.DeliveryAttempts}, next in {delay}";
            await queue.QueueDeliveryAsync(subscription.Id, attempt + 1, now + delay, retry: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Given up on this content: the next change is offered again.
            subscription.ContentHash = content.Hash;
            subscription.LastError = $"{failure.Value.Why}; gave up on this content after {attempt} attempts";
        }

        await store.UpdateHubSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false);
        LogFailed(logger, subscription.Callback, subscription.LastError);
    }

    /// <returns>Null when the subscriber took the content; otherwise why not, and whether it said the subscription is gone (410).</returns>
    private async Task<(string Why, bool Gone)?> PostAsync(HubSubscription subscription, RenderedTopic content, CancellationToken cancellationToken)
    {
        var callback = new Uri(subscription.Callback);
        using var request = new HttpRequestMessage(HttpMethod.Post, callback) { Content = new ByteArrayContent(content.Body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(content.MediaType);
        request.Headers.TryAddWithoutValidation("Link", WebSubHub.LinkHeader(content.Hub, content.Self));
        if (subscription.Secret is { } secret)
        {
            request.Headers.TryAddWithoutValidation(WebSubSignature.Header, WebSubSignature.Sign(secret, content.Body));
        }

        try
        {
            using var response = await clients.CreateClient(WebSubHttp.ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? null
                : status == 410 ? ("the callback answered 410 Gone", true)
                : ($"the callback answered {status}", false);
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (WebSubHttp.Describe(failure, callback), false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: delivered {Topic} to {Callback} ({Bytes} bytes)")]
    private static partial void LogDelivered(ILogger logger, Uri topic, string callback, int bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: {Callback} answered 410 Gone; its subscription to {Topic} ends")]
    private static partial void LogGone(ILogger logger, string topic, string callback);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSub: delivery to {Callback} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string callback, string? error);
}
