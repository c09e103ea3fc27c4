using System.Diagnostics.Metrics;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Metrics;

/// <summary>
/// The store's sources as gauges of the <c>FeedHub</c> meter: how many are in each health state (from the counts the
/// store keeps, so a scrape costs the same at 10 or 10,000 sources) and, only when <see cref="MetricsOptions.PerSource"/>
/// is set, a few gauges per source. Observable instruments are read synchronously, so each scrape first refreshes
/// the snapshot they read (<see cref="RefreshAsync"/>).
/// </summary>
public sealed class SourceGauges
{
    private readonly IFeedStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly bool _perSource;
    private volatile Snapshot _snapshot = new(new Dictionary<HealthStatus, int>(), []);

    public SourceGauges(IMeterFactory meters, IFeedStore store, TimeProvider timeProvider, IOptions<MetricsOptions> options)
    {
        _store = store;
        _timeProvider = timeProvider;
        _perSource = options.Value.PerSource;
        var meter = meters.Create(PollMetrics.MeterName);
        meter.CreateObservableGauge("feedhub.sources", () => _snapshot.ByHealth.Select(state => new Measurement<int>(state.Value, State(state.Key))),
            "{source}", "Sources by health state (healthy, degraded, broken, moved, retired, new, paused, push).");
        if (!_perSource)
        {
            return;
        }

        meter.CreateObservableGauge("feedhub.source.up", () => PerSource(h => h.PollCount == 0 ? null : h.ConsecutiveFailures == 0 ? 1 : 0),
            description: "1 when the source's last poll succeeded, 0 when it failed (absent before its first poll).");
        meter.CreateObservableGauge("feedhub.source.consecutive_failures", () => PerSource(h => h.ConsecutiveFailures),
            "{poll}", "Polls of the source in a row that failed.");
        meter.CreateObservableGauge("feedhub.source.last_success_timestamp", () => PerSource(h => h.LastSuccessAt?.ToUnixTimeSeconds()),
            "s", "When the source's last poll succeeded, in seconds since 1970.");
        meter.CreateObservableGauge("feedhub.source.days_without_new_post", () => PerSource(h => h.DaysWithoutNewPost),
            description: "Days since the source's newest post.");
    }

    /// <summary>Reads the counts (and, when configured, every source) for the scrape about to be served.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var tallies = await _store.GetTalliesAsync(cancellationToken).ConfigureAwait(false);
        var sources = _perSource ? await _store.ListSourcesAsync(cancellationToken).ConfigureAwait(false) : [];
        var now = _timeProvider.GetUtcNow();
        _snapshot = new Snapshot(tallies.ByHealth, sources.Select(source => (source, SourceHealth.Of(source, now))).ToList());
    }

    private IEnumerable<Measurement<long>> PerSource(Func<SourceHealth, long?> value)
    {
        foreach (var (source, health) in _snapshot.Sources)
        {
            if (value(health) is { } measured)
            {
                yield return new Measurement<long>(measured,
                    new KeyValuePair<string, object?>("source_id", source.Id),
                    new KeyValuePair<string, object?>("source", source.Name),
                    State(health.Status));
            }
        }
    }

    private static KeyValuePair<string, object?> State(HealthStatus status) => new("state", status.ToString().ToLowerInvariant());

    private sealed record Snapshot(IReadOnlyDictionary<HealthStatus, int> ByHealth, IReadOnlyList<(Source Source, SourceHealth Health)> Sources);
}
