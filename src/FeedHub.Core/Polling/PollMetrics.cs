using System.Diagnostics.Metrics;

namespace FeedHub.Core.Polling;

/// <summary>
/// What this process's polls did, as <see cref="System.Diagnostics.Metrics"/> instruments of the <c>FeedHub</c> meter
/// (exported on <c>/metrics</c>): polls by outcome, articles added, feed bytes downloaded and poll durations. Counted
/// per process, so each worker reports its own share; no instrument is tagged with a source.
/// </summary>
public sealed class PollMetrics
{
    public const string MeterName = "FeedHub";

    private readonly Counter<long> _polls;
    private readonly Counter<long> _articlesAdded;
    private readonly Histogram<double> _duration;

    public PollMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _polls = meter.CreateCounter<long>("feedhub.polls", "{poll}", "Polls of sources, by outcome (updated, not_modified, failed).");
        _articlesAdded = meter.CreateCounter<long>("feedhub.articles.added", "{article}", "Articles new to FeedHub stored by polls.");
        _duration = meter.CreateHistogram<double>("feedhub.poll.duration", "s", "How long a poll took, fetch to store, by outcome.");
    }

    public void Polled(PollReport report, TimeSpan took)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", Outcome(report.Outcome));
        _polls.Add(1, outcome);
        _duration.Record(took.TotalSeconds, outcome);
        if (report.Added > 0)
        {
            _articlesAdded.Add(report.Added);
        }
    }

    private static string Outcome(PollOutcome outcome) => outcome switch
    {
        PollOutcome.Updated => "updated",
        PollOutcome.NotModified => "not_modified",
        PollOutcome.Failed => "failed",
        _ => "skipped",
    };
}
