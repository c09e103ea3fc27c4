using System.Globalization;
using System.Text;
using FeedHub.Core.Curation;
using FeedHub.Core.Storage;

namespace FeedHub.Web;

/// <summary><c>/metrics</c>: sources by health and per-source poll figures in the Prometheus text format (0.0.4).</summary>
public static class MetricsEndpoint
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (SourceHealthReport health, IFeedStore store, CancellationToken cancellationToken)
            => TypedResults.Text(Render(await health.ListAsync(cancellationToken), await store.CountArticlesAsync(null, cancellationToken)), ContentType));
        return app;
    }

    internal static string Render(IReadOnlyList<(Core.Model.Source Source, SourceHealth Health)> sources, long articles)
    {
        var text = new StringBuilder();
        Family(text, "feedhub_sources", "gauge", "Sources by health status.");
        var counts = sources.GroupBy(s => s.Health.Status).ToDictionary(g => g.Key, g => g.Count());
        foreach (var status in Enum.GetValues<HealthStatus>())
        {
            Sample(text, "feedhub_sources", $"state=\"{Label(status)}\"", counts.GetValueOrDefault(status));
        }

        Family(text, "feedhub_articles", "gauge", "Articles kept.");
        Sample(text, "feedhub_articles", null, articles);
        Family(text, "feedhub_polls_total", "counter", "Polls of all sources, by outcome.");
        Sample(text, "feedhub_polls_total", "outcome=\"error\"", sources.Sum(s => s.Health.ErrorCount));
        Sample(text, "feedhub_polls_total", "outcome=\"not_modified\"", sources.Sum(s => s.Source.Fetch.NotModifiedCount));
        Sample(text, "feedhub_polls_total", "outcome=\"updated\"",
            sources.Sum(s => s.Health.PollCount - s.Health.ErrorCount - s.Source.Fetch.NotModifiedCount));

        PerSource(text, sources, "feedhub_source_up", "gauge", "1 when the last poll succeeded, 0 when it failed (absent before the first poll).",
            h => h.PollCount == 0 ? null : h.ConsecutiveFailures == 0 ? 1 : 0);
        PerSource(text, sources, "feedhub_source_consecutive_failures", "gauge", "Polls in a row that failed.", h => h.ConsecutiveFailures);
        PerSource(text, sources, "feedhub_source_last_success_timestamp_seconds", "gauge", "When the last poll succeeded.", h => Seconds(h.LastSuccessAt));
        PerSource(text, sources, "feedhub_source_next_poll_timestamp_seconds", "gauge", "When the next poll is due.", h => Seconds(h.NextPollAt));
        PerSource(text, sources, "feedhub_source_items_per_week", "gauge", "New items per week over the last 28 days.", h => h.ItemsPerWeek);
        PerSource(text, sources, "feedhub_source_days_without_new_post", "gauge", "Days since the newest post.", h => h.DaysWithoutNewPost);
        PerSource(text, sources, "feedhub_source_polls_total", "counter", "Polls of the source.", h => h.PollCount);
        PerSource(text, sources, "feedhub_source_poll_errors_total", "counter", "Failed polls of the source.", h => h.ErrorCount);
        PerSource(text, sources, "feedhub_source_not_modified_ratio", "gauge", "Share of answered polls that were 304 Not Modified.", h => h.NotModifiedRatio);
        PerSource(text, sources, "feedhub_source_bytes_received_total", "counter", "Feed bytes downloaded.", h => h.BytesReceived);
        PerSource(text, sources, "feedhub_source_bytes_saved_total", "counter", "Feed bytes 304 answers spared.", h => h.BytesSaved);
        return text.ToString();
    }

    private static void PerSource(StringBuilder text, IReadOnlyList<(Core.Model.Source Source, SourceHealth Health)> sources,
        string name, string type, string help, Func<SourceHealth, double?> value)
    {
        Family(text, name, type, help);
        foreach (var (source, health) in sources)
        {
            if (value(health) is { } sample)
            {
                Sample(text, name, $"source_id=\"{source.Id}\",source=\"{Escape(source.Name)}\",state=\"{Label(health.Status)}\"", sample);
            }
        }
    }

    private static void Family(StringBuilder text, string name, string type, string help)
        => text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, string? labels, double value)
    {
        text.Append(name);
        if (labels is not null)
        {
            text.Append('{').Append(labels).Append('}');
        }

        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static double? Seconds(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds() / 1000.0;

    private static string Label(HealthStatus status) => status.ToString().ToLowerInvariant();

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
