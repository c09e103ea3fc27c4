using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Quartz;

namespace FeedHub.Worker;

/// <summary>Keeps one Quartz job per active source, triggered at the source's next poll time.</summary>
public sealed class SourceScheduler(ISchedulerFactory schedulerFactory, IFeedStore store, TimeProvider timeProvider) : IPollScheduler
{
    private const string Group = "poll";
    private const string ExtractGroup = "extract";

    public static JobKey JobKeyOf(long sourceId) => new($"source-{sourceId}", Group);

    private static TriggerKey TriggerKeyOf(long sourceId) => new($"source-{sourceId}", Group);

    /// <summary>Schedules (or moves) the poll of a source; a time in the past means now.</summary>
    public async Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var trigger = TriggerBuilder.Create(timeProvider)
            .WithIdentity(TriggerKeyOf(sourceId))
            .ForJob(JobKeyOf(sourceId))
            .StartAt(at > now ? at : now)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        if (!await scheduler.Exists(JobKeyOf(sourceId), cancellationToken).ConfigureAwait(false))
        {
            var job = JobBuilder.Create<PollJob>()
                .WithIdentity(JobKeyOf(sourceId))
                .UsingJobData(PollJob.SourceIdKey, sourceId)
                .RequestRecovery()
                .StoreDurably()
                .Build();
            await scheduler.AddJob(job, new AddJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
        }

        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues the full-text extraction of some articles of a source, one job per source at a time.</summary>
    public async Task ScheduleExtractionAsync(long sourceId, IReadOnlyList<long> articleIds, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var job = JobBuilder.Create<ExtractJob>()
            .WithIdentity($"extract-{sourceId}-{Guid.NewGuid():N}", ExtractGroup)
            .UsingJobData(ExtractJob.ArticleIdsKey, ExtractJob.Encode(articleIds))
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create(timeProvider).ForJob(job.Key).StartNow().Build();
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken).ConfigureAwait(false);
    }

    public async Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.DeleteJob(JobKeyOf(sourceId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the scheduler agree with the store: a job for every active source, none for the others.</summary>
    public async Task SynchronizeAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var sources = await store.ListSourcesAsync(cancellationToken).ConfigureAwait(false);
        var active = new HashSet<long>();
        foreach (var source in sources.Where(s => s.State == SourceState.Active))
        {
            active.Add(source.Id);
            if (await scheduler.GetTrigger(TriggerKeyOf(source.Id), cancellationToken).ConfigureAwait(false) is null)
            {
                await ScheduleAsync(source.Id, source.Fetch.NextPollAt ?? timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var jobKey in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken).ConfigureAwait(false))
        {
            if (!long.TryParse(jobKey.Name.AsSpan("source-".Length), out var id) || !active.Contains(id))
            {
                await scheduler.DeleteJob(jobKey, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
