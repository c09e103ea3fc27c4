using FeedHub.Core.Polling;
using Quartz;

namespace FeedHub.Worker;

/// <summary>
/// Polls one source, then moves its own trigger to the source's next poll time. One job per source, never two
/// at once for the same source; idempotent, so a recovered run after a crash only repeats the work.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PollJob(SourcePoller poller, SourceScheduler scheduler) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var sourceId = context.MergedJobDataMap.GetLong(SourceIdKey);
        var report = await poller.PollAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (report.Outcome == PollOutcome.Skipped || report.NextPollAt is null)
        {
            await scheduler.UnscheduleAsync(sourceId, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (report.PendingExtraction.Count > 0)
        {
            await scheduler.ScheduleExtractionAsync(sourceId, report.PendingExtraction, cancellationToken).ConfigureAwait(false);
        }

        await scheduler.ScheduleAsync(sourceId, report.NextPollAt.Value, cancellationToken).ConfigureAwait(false);
    }
}
