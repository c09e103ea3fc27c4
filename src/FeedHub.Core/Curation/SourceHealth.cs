using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Curation;

/// <summary>How a source is doing, worst first: the order the sources page lists them in.</summary>
public enum HealthStatus
{
    /// <summary>Several polls in a row failed: the feed needs a curator.</summary>
    Broken,

    /// <summary>The last poll (or two) failed; FeedHub keeps trying.</summary>
    Failing,

    /// <summary>The server said the feed is gone for good (410); it is no longer polled.</summary>
    Retired,

    /// <summary>The feed answers but has had no new post for a long time.</summary>
    Quiet,

    /// <summary>Not polled yet.</summary>
    New,

    Paused,
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
    double ItemsPerWeek,
    double? ExtractionSuccessRate,
    DateTimeOffset? LatestPostAt,
    int? DaysWithoutNewPost,
    string? MovedFrom,
    DateTimeOffset? MovedAt,
    string? ParseWarning);

/// <summary>What happened to a source's articles recently, gathered once for many sources.</summary>
public sealed record SourceActivity(int RecentArticles, int ExtractionsTried, int ExtractionsSucceeded, DateTimeOffset? LatestPostAt)
{
    public static readonly SourceActivity None = new(0, 0, 0, null);
}

/// <summary>Works out the health of sources from their fetch state and their recent articles.</summary>
public sealed class SourceHealthReport(IFeedStore store, TimeProvider timeProvider)
{
    /// <summary>How far back items per week and the extraction success rate look.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(28);

    /// <summary>Consecutive failures from which a source counts as broken.</summary>
    public const int BrokenAfterFailures = 3;

    /// <summary>Days without a new post from which an answering feed counts as quiet.</summary>
    public const int QuietAfterDays = 60;

    private const int PageSize = 1000;

    /// <summary>Every source with its health, broken ones first, then by name.</summary>
    public async Task<IReadOnlyList<(Source Source, SourceHealth Health)>> ListAsync(CancellationToken cancellationToken)
    {
        var sources = await store.ListSourcesAsync(cancellationToken).ConfigureAwait(false);
        var activity = await RecentActivityAsync(null, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var report = new List<(Source Source, SourceHealth Health)>(sources.Count);
        foreach (var source in sources)
        {
            var recent = await WithLatestPostAsync(source, activity.GetValueOrDefault(source.Id, SourceActivity.None), cancellationToken).ConfigureAwait(false);
            report.Add((source, Of(source, recent, now)));
        }

        return report
            .OrderBy(pair => pair.Health.Status)
            .ThenBy(pair => pair.Source.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public async Task<SourceHealth> OfAsync(Source source, CancellationToken cancellationToken)
    {
        var activity = await RecentActivityAsync(source.Id, cancellationToken).ConfigureAwait(false);
        var recent = await WithLatestPostAsync(source, activity.GetValueOrDefault(source.Id, SourceActivity.None), cancellationToken).ConfigureAwait(false);
        return Of(source, recent, timeProvider.GetUtcNow());
    }

    /// <summary>Looks up the newest post of a polled source that posted nothing within the window.</summary>
    private async Task<SourceActivity> WithLatestPostAsync(Source source, SourceActivity recent, CancellationToken cancellationToken)
    {
        if (recent.LatestPostAt is not null || source.Fetch.PollCount == 0)
        {
            return recent;
        }

        var newest = await store.ListArticlesAsync(new ArticleQuery { SourceIds = [source.Id], Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return recent with { LatestPostAt = newest.Count > 0 ? newest[0].SortDate : null };
    }

    public static SourceHealth Of(Source source, SourceActivity activity, DateTimeOffset now)
    {
        var fetch = source.Fetch;
        var latestPost = activity.LatestPostAt;
        int? quietDays = latestPost is { } at ? (int)Math.Floor((now - at).TotalDays) : null;
        var (status, summary) = Judge(source, quietDays);
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
            Math.Round(activity.RecentArticles / (Window.TotalDays / 7), 1),
            activity.ExtractionsTried > 0 ? Math.Round((double)activity.ExtractionsSucceeded / activity.ExtractionsTried, 3) : null,
            latestPost,
            quietDays,
            fetch.MovedFrom,
            fetch.MovedAt,
            fetch.ParseWarning);
    }

    private static (HealthStatus, string) Judge(Source source, int? quietDays)
    {
        var fetch = source.Fetch;
        if (source.State == SourceState.Retired)
        {
            return (HealthStatus.Retired, $"retired: {fetch.LastError ?? "the server says the feed is gone for good (410 Gone)"}");
        }

        if (source.State == SourceState.Paused)
        {
            return (HealthStatus.Paused, "paused by a curator");
        }

        if (fetch.ConsecutiveFailures >= BrokenAfterFailures)
        {
            return (HealthStatus.Broken, $"broken: {fetch.ConsecutiveFailures} polls in a row failed; last: {fetch.LastError}");
        }

        if (fetch.ConsecutiveFailures > 0)
        {
            return (HealthStatus.Failing, $"failing: {fetch.LastError}");
        }

        if (fetch.PollCount == 0)
        {
            return (HealthStatus.New, "not polled yet");
        }

        if (quietDays >= QuietAfterDays)
        {
            return (HealthStatus.Quiet, $"no new post in {quietDays} days");
        }

        return (HealthStatus.Healthy, fetch.MovedFrom is { } from ? $"healthy; moved from {from} (permanent redirect)" : "healthy");
    }

    /// <summary>Articles of the last <see cref="Window"/>, grouped by source (all sources, or one).</summary>
    private async Task<Dictionary<long, SourceActivity>> RecentActivityAsync(long? sourceId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<long, SourceActivity>();
        var query = new ArticleQuery
        {
            SourceIds = sourceId is { } id ? [id] : null,
            From = timeProvider.GetUtcNow() - Window,
            Limit = PageSize,
        };
        while (true)
        {
            var page = await store.ListArticlesAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var article in page)
            {
                var seen = counts.GetValueOrDefault(article.SourceId, SourceActivity.None);
                var tried = article.Extraction is ExtractionState.Ok or ExtractionState.TooShort or ExtractionState.Failed;
                counts[article.SourceId] = new SourceActivity(
                    seen.RecentArticles + 1,
                    seen.ExtractionsTried + (tried ? 1 : 0),
                    seen.ExtractionsSucceeded + (article.Extraction == ExtractionState.Ok ? 1 : 0),
                    seen.LatestPostAt is { } latest && latest > article.SortDate ? latest : article.SortDate);
            }

            if (page.Count < PageSize)
            {
                return counts;
            }

            query = query with { Before = ArticleCursor.Of(page[^1]) };
        }
    }
}
