using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Quartz;

namespace FeedHub.Worker;

/// <summary>
/// Every minute (and at start), on one worker of the cluster: makes the queue agree with the store, which says when
/// each source is due. Curators' changes and polls update both as they happen, so this only repairs drift (a process
/// that died between the two writes, a database restored from a backup, sources copied in by <c>migrate</c>) and says
/// in the log when it had to. On LiteDB the queue lives in memory, so the first run after a start fills it.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ScheduleSyncJob(SourceScheduler queue, IFeedStore store, TimeProvider timeProvider, ILogger<ScheduleSyncJob> logger) : IJob
{
    public static readonly JobKey Key = new("schedule-sync", "system");

    /// <summary>How much later than the store's time a trigger may fire before it is drift (the store keeps milliseconds).</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a disagreement must last to be drift: a curator's change or a poll writes the store and then the queue,
    /// so the two may differ for a moment while it runs.
    /// </summary>
    private static readonly TimeSpan SecondLook = TimeSpan.FromSeconds(2);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var scheduler = context.Scheduler;
        var (suspects, empty) = await FindDisagreementsAsync(scheduler, cancellationToken).ConfigureAwait(false);
        if (suspects.Count == 0)
        {
            return;
        }

        if (!empty)
        {
            await Task.Delay(SecondLook, timeProvider, cancellationToken).ConfigureAwait(false);
            (suspects, _) = await FindDisagreementsAsync(scheduler, cancellationToken, suspects.Select(s => s.SourceId).ToHashSet()).ConfigureAwait(false);
        }

        var queued = 0;
        var moved = 0;
        var removed = 0;
        var due = new List<DuePoll>();
        foreach (var suspect in suspects)
        {
            switch (suspect.Repair)
            {
                case Repair.Queue:
                    queued++;
                    due.Add(new DuePoll(suspect.SourceId, suspect.DueAt));
                    break;
                case Repair.Move:
                    moved++;
                    due.Add(new DuePoll(suspect.SourceId, suspect.DueAt));
                    break;
                case Repair.Remove:
                    removed++;
                    await queue.UnscheduleAsync(suspect.SourceId, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        await queue.ScheduleAsync(due, cancellationToken).ConfigureAwait(false);
        if (empty)
        {
            LogFilled(logger, queued);
        }
        else if (queued + moved + removed > 0)
        {
            LogDrift(logger, queued, moved, removed);
        }
    }

    /// <summary>
    /// What differs between the store and the queue, for every source or only for <paramref name="only"/>, and whether
    /// the queue held no poll at all (a LiteDB process just started, a database just migrated): filling it is no drift.
    /// </summary>
    private async Task<(List<Disagreement> Disagreements, bool EmptyQueue)> FindDisagreementsAsync(IScheduler scheduler, CancellationToken cancellationToken, HashSet<long>? only = null)
    {
        var triggers = new Dictionary<long, TriggerHeader>();
        var query = new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(SourceScheduler.PollGroup), Take = 5000 };
        while (true)
        {
            var page = await scheduler.QueryTriggers(query, cancellationToken).ConfigureAwait(false);
            foreach (var trigger in page.Items)
            {
                if (SourceScheduler.TryParseSourceId(trigger.Key.Name, out var id))
                {
                    triggers[id] = trigger;
                }
            }

            if (!page.HasMore)
            {
                break;
            }

            query = query with { Skip = query.Skip + page.Items.Count };
        }

        var jobs = new HashSet<long>();
        foreach (var job in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SourceScheduler.PollGroup), cancellationToken).ConfigureAwait(false))
        {
            if (SourceScheduler.TryParseSourceId(job.Name, out var id))
            {
                jobs.Add(id);
            }
        }

        var now = timeProvider.GetUtcNow();
        var disagreements = new List<Disagreement>();
        var active = new HashSet<long>();
        foreach (var source in await store.ListSourceSchedulesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (source.State != SourceState.Active || (only is not null && !only.Contains(source.Id)))
            {
                continue;
            }

            active.Add(source.Id);
            var dueAt = source.NextPollAt ?? now;
            if (!triggers.TryGetValue(source.Id, out var trigger))
            {
                disagreements.Add(new Disagreement(source.Id, Repair.Queue, dueAt));
            }
            else if (trigger.State is TriggerState.Normal or TriggerState.Error && trigger.NextFireTimeUtc is { } fires
                     && fires > dueAt + Tolerance && fires > now + Tolerance)
            {
                // A trigger later than the store's time would poll the source late; an earlier one (a refresh asked
                // for while the source was being polled) polls it early, which only repeats a poll: left alone.
                disagreements.Add(new Disagreement(source.Id, Repair.Move, dueAt));
            }
        }

        foreach (var id in jobs.Where(id => !active.Contains(id) && (only is null || only.Contains(id))))
        {
            disagreements.Add(new Disagreement(id, Repair.Remove, now));
        }

        return (disagreements, triggers.Count == 0 && jobs.Count == 0);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The poll queue had drifted from the store and was repaired: active sources with no poll queued {Queued}, queued later than due {Moved}; paused or removed sources still queued {Removed}")]
    private static partial void LogDrift(ILogger logger, int queued, int moved, int removed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued the polls of {Queued} sources from the store")]
    private static partial void LogFilled(ILogger logger, int queued);

    private enum Repair
    {
        Queue,
        Move,
        Remove,
    }

    private sealed record Disagreement(long SourceId, Repair Repair, DateTimeOffset DueAt);
}
