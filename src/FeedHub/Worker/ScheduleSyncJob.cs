using Quartz;

namespace FeedHub.Worker;

/// <summary>Every minute (and at start), gives every active source a poll job and removes the jobs of the others.</summary>
[DisallowConcurrentExecution]
public sealed class ScheduleSyncJob(SourceScheduler scheduler) : IJob
{
    public static readonly JobKey Key = new("schedule-sync", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        => await scheduler.SynchronizeAsync(cancellationToken).ConfigureAwait(false);
}
