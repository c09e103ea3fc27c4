using System.Globalization;
using FeedHub.Core.Charsets;
using FeedHub.Core.Curation;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Core.WebSub;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Polling;

/// <summary>
/// Polls one source: conditional fetch, parse, ingest, then what the feed said of itself, its new and edited articles,
/// the fetch state and the next poll time are saved together (<see cref="IFeedStore.SavePollWithArticlesAsync"/>):
/// the articles are never behind the new validators, so a crash only makes the next poll redo the work. A poll saves
/// only its own columns (<see cref="PollResult"/>): a curator's change made meanwhile stays. A quiet poll (a 304 that
/// changed only counters, times and the next poll) is saved with others a moment later (<see cref="QuietPollSaves"/>).
/// </summary>
public sealed partial class SourcePoller(
    IFeedStore store,
    FeedFetcher fetcher,
    FeedReader reader,
    ArticleIngester ingester,
    PollMetrics metrics,
    StoreWrites storeWrites,
    QuietPollSaves quietSaves,
    IngestGate ingestGate,
    IOptions<PollingOptions> options,
    IOptions<WebSubOptions> webSub,
    TimeProvider timeProvider,
    ILogger<SourcePoller> logger)
{
    private readonly PollingOptions _options = options.Value;

    public async Task<PollReport> PollAsync(long sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (source is null || source.State != SourceState.Active)
        {
            return new PollReport(sourceId, source?.Name ?? $"#{sourceId}", PollOutcome.Skipped, 0, 0, null, null);
        }

        return await PollAsync(source, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PollReport> PollAsync(Source source, CancellationToken cancellationToken)
    {
        if (quietSaves.StateOf(source) is { } quiet)
        {
            // The store is still behind this source's last poll.
            source.Fetch = quiet;
        }

        var state = source.Fetch;
        var before = (Fetch: state.Copy(), Health: SourceHealthRules.Judge(source));
        var now = timeProvider.GetUtcNow();
        // A source with no time stored is due now, as the schedule sync takes it.
        var dueAt = state.NextPollAt ?? now;
        var started = timeProvider.GetTimestamp();
        var polledUrl = source.FeedUrl;
        var url = new Uri(polledUrl);
        var result = await fetcher.FetchAsync(new FetchRequest(url, state.ETag, state.LastModified), cancellationToken).ConfigureAwait(false);
        state.PollCount++;
        state.LastAttemptAt = now;
        state.LastStatusCode = result.StatusCode;
        var moved = TrackPermanentRedirect(source, result, now);

        // The fetch is over and its slot given back; reading and storing wait for a turn of their own. A 304 has
        // nothing to read, and a quiet one nothing to store now: it waits for a turn only if it saves at once.
        var turn = result.Outcome == FetchOutcome.NotModified ? null : (IngestGate.Turn?)await ingestGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        PollReport report;
        try
        {
            LearnedFeed? learned = null;
            IngestPlan? articles = null;
            if (result.Outcome == FetchOutcome.Ok)
            {
                (report, learned, articles) = await ReadAsync(source, result, now, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                report = result.Outcome == FetchOutcome.NotModified
                    ? NotModified(source, result, now)
                    : Failed(source, result.ErrorKind ?? FetchErrorKind.Network, result.Error ?? "unknown error", result.RetryAfter, now);
            }

            if (report.Error is null)
            {
                report = await WithPushAsync(source, report, now, cancellationToken).ConfigureAwait(false);
            }

            var poll = new PollResult(source.Id)
            {
                PolledUrl = polledUrl,
                Fetch = state,
                Feed = learned,
                MovedTo = moved ? source.FeedUrl : null,
                Gone = source.State == SourceState.Retired,
                DueAt = dueAt,
            };
            if (report.Outcome == PollOutcome.NotModified && !moved && IsQuiet(before.Fetch, before.Health, source))
            {
                quietSaves.Add(poll with { Fetch = state.Copy() });
            }
            else
            {
                turn ??= await ingestGate.EnterAsync(cancellationToken).ConfigureAwait(false);
                if (articles is { HasWrites: true })
                {
                    await store.SavePollWithArticlesAsync(poll, articles.Inserts, articles.Updates, cancellationToken).ConfigureAwait(false);
                    report = report with { PendingExtraction = articles.Result().PendingExtraction };
                }
                else
                {
                    await store.SavePollAsync(poll, cancellationToken).ConfigureAwait(false);
                }

                storeWrites.Succeeded();
            }
        }
        catch (Exception failure) when (StoreWrites.IsStorageFailure(failure))
        {
            turn ??= await ingestGate.EnterAsync(cancellationToken).ConfigureAwait(false);
            report = await StorageFailedAsync(source, failure, dueAt, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            turn?.Dispose();
        }

        report = report with { DueAt = dueAt };
        metrics.Polled(report, timeProvider.GetElapsedTime(started));

        if (report.Error is null)
        {
            LogPolled(logger, source.Id, source.FeedUrl, report.Outcome, report.Added, report.Updated);
        }
        else
        {
            LogPollFailed(logger, source.Id, source.FeedUrl, report.Outcome, report.Added, report.Error);
        }

        return report;
    }

    /// <summary>
    /// A poll whose articles or state the store refused: nothing of it is kept (nor its validators, so the next poll
    /// fetches the whole feed again), the source is retried by the schedule, and its health says so when the store
    /// takes that much.
    /// </summary>
    private async Task<PollReport> StorageFailedAsync(Source polled, Exception failure, DateTimeOffset dueAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        storeWrites.Failed(failure);
        var error = StoreWrites.Describe(failure);
        try
        {
            var source = await store.GetSourceAsync(polled.Id, cancellationToken).ConfigureAwait(false) ?? polled;
            source.Fetch.PollCount++;
            source.Fetch.LastAttemptAt = now;
            var report = Failed(source, FetchErrorKind.Storage, error, null, now);
            await store.SavePollAsync(new PollResult(source.Id) { Fetch = source.Fetch, DueAt = dueAt }, cancellationToken).ConfigureAwait(false);
            return report with { StorageFailed = true };
        }
        catch (Exception again) when (StoreWrites.IsStorageFailure(again))
        {
            // The health cannot say it either; the log line and readiness do.
            return new PollReport(polled.Id, polled.Name, PollOutcome.Failed, 0, 0, error, PollSchedule.AfterFailure(polled, _options, polled.Fetch.ConsecutiveFailures + 1, null, now))
            {
                StorageFailed = true,
            };
        }
    }

    /// <summary>
    /// Whether a poll answered 304 changed only counters, times and the next poll of its source's fetch state
    /// (<paramref name="before"/>, the state the poll started from): the poll before succeeded, the validators and the
    /// redirect seen are the same, and so is the health a curator reads. Its save can wait (<see cref="QuietPollSaves"/>).
    /// </summary>
    private static bool IsQuiet(FetchState before, (HealthStatus, string) healthBefore, Source source)
    {
        var after = source.Fetch;
        return before is { ConsecutiveFailures: 0, LastError: null, PollCount: > 0 }
            && before.ETag == after.ETag && before.LastModified == after.LastModified
            && before.PendingRedirectUrl == after.PendingRedirectUrl && before.PendingRedirectCount == after.PendingRedirectCount
            && SourceHealthRules.Judge(source) == healthBefore;
    }

    private PollReport NotModified(Source source, FetchResult result, DateTimeOffset now)
    {
        var state = source.Fetch;
        state.NotModifiedCount++;
        state.BytesSaved += state.LastBodySize;
        Succeeded(state, result, now);
        state.NextPollAt = PollSchedule.AfterSuccess(source, _options, null, result.FreshFor, now);
        return new PollReport(source.Id, source.Name, PollOutcome.NotModified, 0, 0, null, state.NextPollAt);
    }

    /// <summary>
    /// The name an OPML import gave a source that its first successful poll finds the feed calls otherwise: the name
    /// the curator's previous reader showed, which Feedly, Inoreader, Miniflux and FreshRSS export for a feed renamed
    /// there, and which those readers and Planet keep over the feed's own title. Null when the source was not imported,
    /// was read before, has a display name already, or its outline named it as the feed does (or by its address).
    /// </summary>
    private static string? ImportedName(Source source, string? feedTitle)
    {
        if (source is not { ImportBatch: not null, DisplayName: null, Title: { } outlineName } || source.Fetch.LastSuccessAt is not null
            || string.IsNullOrWhiteSpace(outlineName) || string.IsNullOrWhiteSpace(feedTitle)
            || Uri.TryCreate(outlineName.Trim(), UriKind.Absolute, out _))
        {
            return null;
        }

        return string.Equals(string.Join(' ', outlineName.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)),
            string.Join(' ', feedTitle.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), StringComparison.OrdinalIgnoreCase)
            ? null
            : outlineName;
    }

    /// <summary>
    /// Reads the feed and decides what it changes, saving nothing: what the feed says of itself when that changed (the
    /// title a first poll learns), the articles to add and update, and the fetch state in <paramref name="source"/>.
    /// </summary>
    private async Task<(PollReport Report, LearnedFeed? Learned, IngestPlan? Articles)> ReadAsync(Source source, FetchResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var documentUrl = result.FinalUrl ?? new Uri(source.FeedUrl);
        var document = reader.Read(result.Body, result.ContentType, documentUrl);
        if (!document.IsFeed && document.Items.Count == 0)
        {
            var why = document.Error ?? "the response is not an RSS, Atom or JSON feed";
            return (Failed(source, document.Refused ? FetchErrorKind.Parse : FetchErrorKind.NotAFeed, why, null, now), null, null);
        }

        // What the feed says of itself is saved with its articles: they are then indexed for search under the source's
        // new name at once, instead of again after it (a source's first poll learns its title).
        var title = string.IsNullOrWhiteSpace(document.Title) ? source.Title : HtmlText.Of(Mojibake.Repair(document.Title), 300);
        // Only an http(s) home page is kept: a javascript: link stored once is dropped by the next poll.
        var siteUrl = document.Link is { } link && Uri.TryCreate(documentUrl, link, out var site) && WebLinks.IsHttp(site.AbsoluteUri) ? site.AbsoluteUri
            : WebLinks.IsHttp(source.SiteUrl) ? source.SiteUrl : null;
        LearnedFeed? learned = null;
        if (title != source.Title || siteUrl != source.SiteUrl)
        {
            var importedName = ImportedName(source, title);
            (source.Title, source.SiteUrl) = (title, siteUrl);
            source.DisplayName ??= importedName;
            learned = new LearnedFeed(title, siteUrl, importedName);
        }

        var ingested = await ingester.PlanAsync(source, document, documentUrl, _options.MaxArticlesPerPoll, cancellationToken).ConfigureAwait(false);
        var state = source.Fetch;
        Succeeded(state, result, now);
        state.BytesReceived += result.Body.Length;
        state.LastBodySize = result.Body.Length;
        state.ParseWarning = document.Error;
        state.LastItemCount = document.Items.Count;
        (state.LatestPostAt, state.UsualPostInterval) = PostingCadence.Of(document, now);
        if (ingested.Deferred > 0)
        {
            // Without validators the next poll gets the whole feed again, and with it the articles left over.
            state.ETag = null;
            state.LastModified = null;
            var note = string.Create(CultureInfo.InvariantCulture,
                $"stored the newest {ingested.Inserts.Count:N0} of {ingested.Inserts.Count + ingested.Deferred:N0} new articles (FeedHub:Polling:MaxArticlesPerPoll); the rest come with the next polls");
            state.ParseWarning = state.ParseWarning is null ? note : $"{state.ParseWarning}; {note}";
        }

        if (ingested.Inserts.Count > 0)
        {
            state.LastNewItemAt = now;
        }

        state.NextPollAt = PollSchedule.AfterSuccess(source, _options, document, result.FreshFor, now);
        var report = new PollReport(source.Id, source.Name, PollOutcome.Updated, ingested.Inserts.Count, ingested.Updates.Count, null, state.NextPollAt)
        {
            WebSubHubs = document.Hubs,
            WebSubTopic = document.SelfUrl ?? documentUrl.AbsoluteUri,
        };
        return (report, learned, ingested);
    }

    /// <summary>
    /// While a hub pushes the source's changes, polling is only the safety net: the next poll is at least
    /// <see cref="WebSubSubscriberOptions.SafetyNetInterval"/> away.
    /// </summary>
    private async Task<PollReport> WithPushAsync(Source source, PollReport report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var subscriber = webSub.Value.Subscriber;
        var push = subscriber.Enabled ? await store.GetSourcePushAsync(source.Id, cancellationToken).ConfigureAwait(false) : null;
        var state = source.Fetch;
        if (push?.IsLive(now) == true && state.NextPollAt < now + subscriber.SafetyNetInterval)
        {
            state.NextPollAt = PollSchedule.Slot(source.Id, subscriber.SafetyNetInterval, now, now + (subscriber.SafetyNetInterval * 0.9));
        }

        return report with { NextPollAt = state.NextPollAt, Push = push };
    }

    private static void Succeeded(FetchState state, FetchResult result, DateTimeOffset now)
    {
        state.LastSuccessAt = now;
        state.ConsecutiveFailures = 0;
        state.LastError = null;
        state.LastErrorKind = null;
        state.ETag = result.ETag;
        state.LastModified = result.LastModified;
    }

    private PollReport Failed(Source source, FetchErrorKind kind, string error, TimeSpan? retryAfter, DateTimeOffset now)
    {
        var state = source.Fetch;
        state.ConsecutiveFailures++;
        state.ErrorCount++;
        state.LastError = error;
        state.LastErrorKind = kind;
        state.LastErrorAt = now;
        if (kind == FetchErrorKind.Gone)
        {
            source.State = SourceState.Retired;
            state.NextPollAt = null;
        }
        else
        {
            state.NextPollAt = PollSchedule.AfterFailure(source, _options, state.ConsecutiveFailures, retryAfter, now);
        }

        return new PollReport(source.Id, source.Name, PollOutcome.Failed, 0, 0, error, state.NextPollAt);
    }

    /// <summary>Moves the source only after the same permanent redirect was seen on several polls in a row; true when it moved.</summary>
    private bool TrackPermanentRedirect(Source source, FetchResult result, DateTimeOffset now)
    {
        var state = source.Fetch;
        if (result.PermanentRedirect is not { } target || result.Outcome == FetchOutcome.Failed)
        {
            state.PendingRedirectUrl = null;
            state.PendingRedirectCount = 0;
            return false;
        }

        var targetUrl = target.AbsoluteUri;
        state.PendingRedirectCount = state.PendingRedirectUrl == targetUrl ? state.PendingRedirectCount + 1 : 1;
        state.PendingRedirectUrl = targetUrl;
        if (state.PendingRedirectCount >= _options.RedirectsBeforeMove)
        {
            state.MovedFrom = source.FeedUrl;
            state.MovedAt = now;
            source.FeedUrl = targetUrl;
            state.PendingRedirectUrl = null;
            state.PendingRedirectCount = 0;
            return true;
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Polled source {SourceId} {FeedUrl}: {Outcome}, {Added} new, {Updated} updated")]
    private static partial void LogPolled(ILogger logger, long sourceId, string feedUrl, PollOutcome outcome, int added, int updated);

    /// <summary>A failed poll, or a feed read with recovery (<paramref name="added"/> items kept despite the error).</summary>
    [LoggerMessage(Level = LogLevel.Warning, Message = "Polled source {SourceId} {FeedUrl}: {Outcome}, {Added} new; {Error}")]
    private static partial void LogPollFailed(ILogger logger, long sourceId, string feedUrl, PollOutcome outcome, int added, string error);
}
