using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Core.WebSub;
using FeedHub.Hosting;
using FeedHub.Worker;
using Microsoft.Extensions.Options;

namespace FeedHub.WebSub;

/// <summary>
/// FeedHub as a WebSub subscriber: a source whose feed advertises a hub is subscribed through it, with a callback
/// under FeedHub's public address and a secret of its own; the hub's verification is answered; pushed content is
/// checked against the secret and ingested at once like a poll; leases are renewed before they end.
/// </summary>
public sealed partial class PushSubscriber(
    IFeedStore store,
    IHttpClientFactory clients,
    WebSubScheduler queue,
    FeedReader reader,
    ArticleIngester ingester,
    SourceScheduler scheduler,
    IOptions<WebSubOptions> options,
    IOptions<SiteOptions> site,
    IOptions<FetcherOptions> fetcher,
    IOptions<PollingOptions> polling,
    TimeProvider timeProvider,
    ILogger<PushSubscriber> logger)
{
    private WebSubSubscriberOptions Settings => options.Value.Subscriber;

    /// <summary>The callback of a source's subscription: <c>{BaseUrl}websub/callback/{source}/{key}</c>.</summary>
    public static Uri CallbackOf(Uri baseUri, long sourceId, string key)
        => new(baseUri, string.Create(CultureInfo.InvariantCulture, $"{WebSubHub.Path}/callback/{sourceId}/{key}"));

    /// <summary>After a poll that read the feed: subscribes when it names a hub and push is not already in place (or waiting).</summary>
    public async Task AfterPollAsync(PollReport report, CancellationToken cancellationToken)
    {
        if (!Settings.Enabled || report.WebSubHubs is not { } hubs)
        {
            return;
        }

        var push = report.Push;
        if (hubs.Count == 0 || report.WebSubTopic is not { } topic)
        {
            if (push is not null)
            {
                // The feed no longer names a hub: its pushes would no longer be expected.
                await store.RemoveSourcePushAsync(report.SourceId, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var hub = hubs[0];
        var now = timeProvider.GetUtcNow();
        if (site.Value.BaseUri is null)
        {
            if (push?.State != PushState.Off)
            {
                await store.SaveSourcePushAsync(new SourcePush
                {
                    SourceId = report.SourceId, Hub = hub, Topic = topic, CallbackKey = string.Empty, Secret = string.Empty, State = PushState.Off, RequestedAt = now,
                    Reason = "FeedHub:Site:BaseUrl is not set, so the hub has no public address to call FeedHub back on",
                }, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (push is not null && push.Hub == hub && push.Topic == topic
            && (push.IsLive(now) || (push.State is PushState.Pending or PushState.Refused && now - push.RequestedAt < Settings.RetryAfter)))
        {
            return;
        }

        await queue.QueueSubscribeAsync(report.SourceId, hub, topic, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the hub for a subscription (WebSub §5.1): a new one with a new callback key and secret when the hub or the
    /// topic is new, else a renewal of the one the source has. The state is saved before the request, as the hub
    /// may verify before it answers.
    /// </summary>
    /// <param name="sourceId">The source.</param>
    /// <param name="hub">The hub the feed advertised, or null to renew.</param>
    /// <param name="topic">The topic the feed advertised, or null to renew.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task SubscribeAsync(long sourceId, string? hub, string? topic, CancellationToken cancellationToken)
    {
        if (!Settings.Enabled || site.Value.BaseUri is not { } baseUri)
        {
            return;
        }

        var push = await store.GetSourcePushAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (await store.GetSourceAsync(sourceId, cancellationToken).ConfigureAwait(false) is not { State: SourceState.Active })
        {
            return;
        }

        hub ??= push?.Hub;
        topic ??= push?.Topic;
        if (hub is null || topic is null)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (push is null || push.Hub != hub || push.Topic != topic || push.CallbackKey.Length == 0)
        {
            push = new SourcePush { SourceId = sourceId, Hub = hub, Topic = topic, CallbackKey = RandomKey(16), Secret = RandomKey(32), State = PushState.Pending };
        }
        else if (!push.IsLive(now))
        {
            // A live subscription stays active while its renewal is verified; any other waits for the verification.
            push.State = PushState.Pending;
        }

        push.RequestedAt = now;
        await store.SaveSourcePushAsync(push, cancellationToken).ConfigureAwait(false);

        var callback = CallbackOf(baseUri, sourceId, push.CallbackKey);
        var hubUrl = new Uri(hub);
        string? refusal;
        try
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["hub.mode"] = "subscribe",
                ["hub.topic"] = topic,
                ["hub.callback"] = callback.AbsoluteUri,
                ["hub.secret"] = push.Secret,
                ["hub.lease_seconds"] = Settings.LeaseSeconds.ToString(CultureInfo.InvariantCulture),
            });
            using var response = await clients.CreateClient(WebSubHttp.ClientName).PostAsync(hubUrl, form, cancellationToken).ConfigureAwait(false);
            refusal = response.IsSuccessStatusCode ? null
                : $"{hubUrl.IdnHost} answered {(int)response.StatusCode}: {WebSubHttp.Excerpt(await WebSubHttp.ReadAnswerAsync(response, cancellationToken).ConfigureAwait(false))}";
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            refusal = WebSubHttp.Describe(failure, hubUrl);
        }

        if (refusal is null)
        {
            LogRequested(logger, sourceId, hub, topic);
            return;
        }

        LogRefused(logger, sourceId, hub, refusal);
        push = await store.GetSourcePushAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (push is not null && !push.IsLive(timeProvider.GetUtcNow()))
        {
            push.State = PushState.Refused;
            push.Reason = refusal;
            await store.SaveSourcePushAsync(push, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Answers the hub's verification of intent (WebSub §5.3): echoes the challenge for the subscription this source
    /// asked for, records the lease and schedules its renewal; records a denial with its reason. 404 for anything else.
    /// </summary>
    public async Task<IResult> VerifyAsync(long sourceId, string key, string? mode, string? topic, string? challenge, string? leaseSeconds, string? reason, CancellationToken cancellationToken)
    {
        var push = await store.GetSourcePushAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (push is null || !KeyMatches(push, key) || topic != push.Topic)
        {
            return TypedResults.NotFound();
        }

        var now = timeProvider.GetUtcNow();
        if (mode == "denied")
        {
            push.State = PushState.Refused;
            push.Reason = $"the hub denied the subscription: {WebSubHttp.Excerpt(reason ?? "no reason given")}";
            await store.SaveSourcePushAsync(push, cancellationToken).ConfigureAwait(false);
            LogRefused(logger, sourceId, push.Hub, push.Reason);
            return TypedResults.Ok();
        }

        if (mode != "subscribe" || string.IsNullOrEmpty(challenge)
            || !int.TryParse(leaseSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var lease) || lease < 1)
        {
            return TypedResults.NotFound();
        }

        push.State = PushState.Active;
        push.Reason = null;
        push.VerifiedAt = now;
        push.LeaseExpiresAt = now.AddSeconds(lease);
        await store.SaveSourcePushAsync(push, cancellationToken).ConfigureAwait(false);
        await queue.QueueSubscribeAsync(sourceId, null, null, RenewalOf(push), cancellationToken).ConfigureAwait(false);
        LogActive(logger, sourceId, push.Hub, lease);
        return TypedResults.Text(challenge, "text/plain; charset=utf-8");
    }

    /// <summary>
    /// Takes pushed content (WebSub §7, §8): unsigned or wrongly signed content is answered 2xx, as the
    /// specification says, but ignored and counted; signed content is ingested at once through the same path as a
    /// poll. 410 for a subscription FeedHub no longer has, so the hub ends it.
    /// </summary>
    public async Task<IResult> ReceiveAsync(HttpContext context, long sourceId, string key)
    {
        var cancellationToken = context.RequestAborted;
        var push = await store.GetSourcePushAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (push is null || !KeyMatches(push, key) || await store.GetSourceAsync(sourceId, cancellationToken).ConfigureAwait(false) is not { } source)
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }

        var body = await ReadCappedAsync(context.Request.Body, fetcher.Value.MaxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var now = timeProvider.GetUtcNow();
        var refusal = WebSubSignature.Check(context.Request.Headers[WebSubSignature.Header], push.Secret, body);
        if (refusal is null && source.State != SourceState.Active)
        {
            refusal = "the source is paused";
        }

        var topic = new Uri(push.Topic);
        var document = refusal is null ? reader.Read(body, context.Request.ContentType, topic) : null;
        if (document is { IsFeed: false, Items.Count: 0 })
        {
            refusal = $"not a feed: {document.Error ?? "not RSS, Atom or JSON Feed"}";
        }

        if (refusal is not null)
        {
            await store.CountPushAsync(sourceId, refusal, now, cancellationToken).ConfigureAwait(false);
            LogIgnored(logger, sourceId, refusal);
            return TypedResults.Accepted((string?)null);
        }

        var ingested = await ingester.IngestAsync(source, document!, topic, polling.Value.MaxArticlesPerPoll, cancellationToken).ConfigureAwait(false);
        await store.CountPushAsync(sourceId, null, now, cancellationToken).ConfigureAwait(false);
        if (ingested.Added + ingested.Updated > 0)
        {
            var pages = new List<(long, Uri)>();
            foreach (var articleId in ingested.PendingExtraction)
            {
                if (await store.GetArticleAsync(articleId, cancellationToken).ConfigureAwait(false) is { Link: { } link } && Uri.TryCreate(link, UriKind.Absolute, out var page))
                {
                    pages.Add((articleId, page));
                }
            }

            await scheduler.QueuePagesAsync(pages, cancellationToken).ConfigureAwait(false);
            await queue.RequestDistributionAsync(cancellationToken).ConfigureAwait(false);
        }

        LogPushed(logger, sourceId, ingested.Added, ingested.Updated);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The minute's upkeep, which also rebuilds what a restart lost: a lease that ended is marked expired and asked
    /// again, a renewal that is due is queued, and a refusal or a verification that never came is retried after
    /// <see cref="WebSubSubscriberOptions.RetryAfter"/>.
    /// </summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        if (!Settings.Enabled || site.Value.BaseUri is null)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        foreach (var push in await store.ListSourcePushesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (push.State == PushState.Active && push.LeaseExpiresAt <= now)
            {
                push.State = PushState.Expired;
                push.Reason = $"the lease ended at {push.LeaseExpiresAt:yyyy-MM-dd HH:mm:ss} UTC without a renewal";
                await store.SaveSourcePushAsync(push, cancellationToken).ConfigureAwait(false);
                LogExpired(logger, push.SourceId, push.Hub);
                await queue.QueueSubscribeAsync(push.SourceId, null, null, now, cancellationToken).ConfigureAwait(false);
            }
            else if (push.State == PushState.Active && !(push.RequestedAt >= RenewalOf(push) && now - push.RequestedAt < Settings.RetryAfter))
            {
                await queue.QueueSubscribeAsync(push.SourceId, null, null, RenewalOf(push), cancellationToken).ConfigureAwait(false);
            }
            else if (push.State is PushState.Pending or PushState.Refused or PushState.Expired && now - push.RequestedAt >= Settings.RetryAfter)
            {
                await queue.QueueSubscribeAsync(push.SourceId, null, null, now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A lease is renewed when three quarters of it have passed.</summary>
    private static DateTimeOffset RenewalOf(SourcePush push)
    {
        var verified = push.VerifiedAt ?? push.RequestedAt;
        var end = push.LeaseExpiresAt ?? verified;
        return verified + ((end - verified) * 0.75);
    }

    private static bool KeyMatches(SourcePush push, string key)
        => push.CallbackKey.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(push.CallbackKey), Encoding.UTF8.GetBytes(key));

    private static string RandomKey(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<byte[]?> ReadCappedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: asked {Hub} to push source {SourceId} ({Topic})")]
    private static partial void LogRequested(ILogger logger, long sourceId, string hub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSub: push of source {SourceId} refused by {Hub}: {Reason}")]
    private static partial void LogRefused(ILogger logger, long sourceId, string hub, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: push of source {SourceId} is active through {Hub}, lease {LeaseSeconds} s")]
    private static partial void LogActive(ILogger logger, long sourceId, string hub, int leaseSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSub: the push lease of source {SourceId} with {Hub} expired; asking again")]
    private static partial void LogExpired(ILogger logger, long sourceId, string hub);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSub: pushed content of source {SourceId} ingested: {Added} new, {Updated} updated")]
    private static partial void LogPushed(ILogger logger, long sourceId, int added, int updated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSub: pushed content for source {SourceId} ignored: {Refusal}")]
    private static partial void LogIgnored(ILogger logger, long sourceId, string refusal);
}
