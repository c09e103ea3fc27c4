using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Curation;

/// <summary>How a source is doing, worst first: the order the sources page lists them in.</summary>
public enum HealthStatus
{
    /// <summary>Several polls in a row failed: the feed needs a curator.</summary>
    Broken,

    /// <summary>The feed answers, but badly: a failed poll or two, parser warnings, no item at all, or far quieter than usual.</summary>
    Degraded,

    /// <summary>The server said the feed is gone for good (410); it is no longer polled.</summary>
    Retired,

    /// <summary>The feed redirects permanently to a new address, or was moved to one in the last days: worth a look.</summary>
    Moved,

    /// <summary>Not polled yet.</summary>
    New,

    Paused,

    /// <summary>Healthy, and its posts are pushed to FeedHub (WebSub) rather than polled. Given by the WebSub work, not yet.</summary>
    Push,

    Healthy,
}

/// <summary>The health of one source, in figures and in one plain sentence.</summary>
public sealed record SourceHealth(
    HealthStatus Status,
    string Summary,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastAttemptAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int? LastStatusCode,
    int ConsecutiveFailures,
    DateTimeOffset? NextPollAt,
    long PollCount,
    long ErrorCount,
    double? NotModifiedRatio,
    long BytesReceived,
    long BytesSaved,
    int? ItemsInFeed,
    double? ItemsPerWeek,
    double? ExtractionSuccessRate,
    DateTimeOffset? LatestPostAt,
    int? DaysWithoutNewPost,
    string? MovedFrom,
    DateTimeOffset? MovedAt,
    string? ParseWarning)
{
    /// <summary>
    /// The health of <paramref name="source"/> from what it keeps (its fetch state and counters): no article is read,
    /// so a list of thousands costs nothing more. The extraction success rate is only known to <see cref="SourceHealthReport"/>.
    /// </summary>
    public static SourceHealth Of(Source source, DateTimeOffset now, double? extractionSuccessRate = null)
    {
        var fetch = source.Fetch;
        var (status, summary) = SourceHealthRules.Judge(source);
        var latestPost = SourceHealthRules.LatestPostOf(fetch);
        var answered = fetch.PollCount - fetch.ErrorCount;
        return new SourceHealth(
            status,
            summary,
            fetch.LastSuccessAt,
            fetch.LastAttemptAt,
            fetch.LastError,
            fetch.LastErrorAt,
            fetch.LastStatusCode,
            fetch.ConsecutiveFailures,
            source.State == SourceState.Active ? fetch.NextPollAt : null,
            fetch.PollCount,
            fetch.ErrorCount,
            answered > 0 ? Math.Round((double)fetch.NotModifiedCount / answered, 3) : null,
            fetch.BytesReceived,
            fetch.BytesSaved,
            fetch.LastItemCount,
            fetch.UsualPostInterval is { } usual && usual > TimeSpan.Zero ? Math.Round(TimeSpan.FromDays(7) / usual, 1) : null,
            extractionSuccessRate,
            latestPost,
            latestPost is { } at ? (int)Math.Floor((now - at).TotalDays) : null,
            fetch.MovedFrom is { } from ? FeedAddress.Shown(from) : null,
            fetch.MovedAt,
            fetch.ParseWarning);
    }
}

/// <summary>
/// The rules that turn a source's kept fields into its health state, with the reason in words. A pure function of
/// the source, so each store keeps the state beside the source at every write (an indexed field, counted by state)
/// and a page of thousands of sources never recomputes it. Time-dependent rules (quiet for long, moved lately) are
/// judged at the source's last poll: an active source is polled at least daily, so its state is never older than that.
/// </summary>
public static class SourceHealthRules
{
    /// <summary>Consecutive failures from which a source counts as broken.</summary>
    public const int BrokenAfterFailures = 3;

    /// <summary>A source counts as stale when its newest post is this many times older than its usual gap between posts…</summary>
    public const int StaleAfterUsualGaps = 4;

    /// <summary>…and at least this old (a daily blog on a week's holiday is not stale).</summary>
    public static readonly TimeSpan StaleAtLeast = TimeSpan.FromDays(14);

    /// <summary>Without a usual gap (too few dated posts), a source is stale after this long without a new post.</summary>
    public static readonly TimeSpan StaleWithoutCadence = TimeSpan.FromDays(60);

    /// <summary>How long a source moved to a new address shows as moved.</summary>
    public static readonly TimeSpan MovedShownFor = TimeSpan.FromDays(7);

    public static (HealthStatus Status, string Summary) Judge(Source source)
    {
        var fetch = source.Fetch;
        if (source.State == SourceState.Retired)
        {
            return (HealthStatus.Retired, $"retired: {fetch.LastError ?? "the server says the feed is gone for good (410 Gone)"}; remove it, or move it to the blog's new feed");
        }

        if (source.State == SourceState.Paused)
        {
            return (HealthStatus.Paused, source.DuplicateOf is { } original
                ? Invariant($"paused: a duplicate of source {original}, subscribed to the same feed; remove one of the two, or move this one to another feed")
                : "paused by a curator");
        }

        if (fetch.ConsecutiveFailures >= BrokenAfterFailures)
        {
            return (HealthStatus.Broken, Invariant($"broken: {fetch.ConsecutiveFailures} polls in a row failed; last: {fetch.LastError}"));
        }

        if (fetch.PollCount == 0)
        {
            return (HealthStatus.New, "not polled yet");
        }

        if (fetch.ConsecutiveFailures > 0)
        {
            return (HealthStatus.Degraded, Invariant($"degraded: the last poll failed ({fetch.ConsecutiveFailures} in a row; broken from {BrokenAfterFailures}): {fetch.LastError}"));
        }

        if (fetch.LastItemCount == 0)
        {
            return (HealthStatus.Degraded, fetch.ParseWarning is { } why
                ? $"degraded: the feed holds no item FeedHub could read ({why})"
                : "degraded: the feed holds no item");
        }

        if (fetch.ParseWarning is { } warning)
        {
            return (HealthStatus.Degraded, $"degraded: the feed is malformed: {warning}");
        }

        if (Stale(fetch) is { } stale)
        {
            return (HealthStatus.Degraded, stale);
        }

        if (fetch.PendingRedirectUrl is { } target)
        {
            return (HealthStatus.Moved, $"moved: the feed redirects permanently to {FeedAddress.Shown(target)}; FeedHub follows it once it has seen it on a few polls in a row");
        }

        if (fetch.MovedFrom is { } from && fetch.MovedAt is { } movedAt && (fetch.LastAttemptAt ?? movedAt) - movedAt < MovedShownFor)
        {
            return (HealthStatus.Moved, Invariant($"moved from {FeedAddress.Shown(from)} on {movedAt:yyyy-MM-dd}"));
        }

        return (HealthStatus.Healthy, "healthy");
    }

    /// <summary>The date of the source's newest post: from its feed's dates, else when FeedHub last found a new article.</summary>
    public static DateTimeOffset? LatestPostOf(FetchState fetch) => fetch.LatestPostAt ?? fetch.LastNewItemAt;

    /// <summary>Why the source is stale at its last poll, or null when it posts as usual.</summary>
    private static string? Stale(FetchState fetch)
    {
        if (LatestPostOf(fetch) is not { } latest || fetch.LastAttemptAt is not { } at)
        {
            return null;
        }

        var quiet = at - latest;
        var usual = fetch.UsualPostInterval;
        var limit = usual is { } gap ? Max(gap * StaleAfterUsualGaps, StaleAtLeast) : StaleWithoutCadence;
        if (quiet < limit)
        {
            return null;
        }

        var days = (int)Math.Floor(quiet.TotalDays);
        return usual is { } every
            ? Invariant($"degraded: no new post in {days} days, while it usually posts every {Days(every)}")
            : Invariant($"degraded: no new post in {days} days");
    }

    private static string Days(TimeSpan gap)
        => gap < TimeSpan.FromDays(1.5) ? Invariant($"{Math.Max(1, (int)Math.Round(gap.TotalHours))} hours") : Invariant($"{(int)Math.Round(gap.TotalDays)} days");

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The health of one source with what only its articles tell (the share of article pages extracted among its latest
/// articles of the last four weeks): for a source's own page and API answer, never for lists.
/// </summary>
public sealed class SourceHealthReport(IFeedStore store, TimeProvider timeProvider)
{
    /// <summary>How far back the extraction success rate looks.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(28);

    /// <summary>
    /// How many of the window's latest articles the rate is taken from: a newsroom posting hundreds a day would
    /// otherwise make its page read thousands of articles, and the latest ones tell how extraction does now.
    /// </summary>
    public const int Sample = 500;

    public async Task<SourceHealth> OfAsync(Source source, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var latest = await store.ListArticlesAsync(new ArticleQuery { SourceIds = [source.Id], From = now - Window, Limit = Sample }, cancellationToken)
            .ConfigureAwait(false);
        var tried = latest.Count(article => article.Extraction is ExtractionState.Ok or ExtractionState.TooShort or ExtractionState.Failed);
        var succeeded = latest.Count(article => article.Extraction == ExtractionState.Ok);
        return SourceHealth.Of(source, now, tried > 0 ? Math.Round((double)succeeded / tried, 3) : null);
    }
}
