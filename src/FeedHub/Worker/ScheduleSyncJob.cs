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
        var (suspects, empty, serial) = await FindDisagreementsAsync(scheduler, cancellationToken).ConfigureAwait(false);
        if (serial.Count > 0)
        {
            await queue.RestorePollJobsAsync(serial, cancellationToken).ConfigureAwait(false);
            LogSerialJobsRestored(logger, serial.Count);
        }

        if (suspects.Count == 0)
        {
            return;
        }

        if (!empty)
        {
            await Task.Delay(SecondLook, timeProvider, cancellationToken).ConfigureAwait(false);
            (suspects, _, _) = await FindDisagreementsAsync(scheduler, cancellationToken, suspects.Select(s => s.SourceId).ToHashSet()).ConfigureAwait(false);
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
                    // As the store holds it when the queue is written: a resume stored since the second look stays queued.
                    await queue.FollowStoreAsync(store, suspect.SourceId, null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        await queue.RepairAsync(due, cancellationToken).ConfigureAwait(false);
        if (due.Count > 0)
        {
            // A source paused or removed since the look, whose job the repair stored again, leaves the queue.
            var active = (await store.ListSourceSchedulesAsync(cancellationToken).ConfigureAwait(false))
                .Where(source => source.State == SourceState.Active).Select(source => source.Id).ToHashSet();
            foreach (var poll in due.Where(poll => !active.Contains(poll.SourceId)))
            {
                await queue.FollowStoreAsync(store, poll.SourceId, null, cancellationToken).ConfigureAwait(false);
            }
        }

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
    /// What differs between the store and the queue, for every source or only for <paramref name="only"/>, whether
    /// the queue held no poll at all (a LiteDB process just started, a database just migrated): filling it is no drift,
    /// and the sources whose poll job was stored by an older FeedHub as one Quartz runs one at a time (its
    /// <c>[DisallowConcurrentExecution]</c>, which the store keeps with the job), which <see cref="PollTurns"/> replaced.
    /// </summary>
    private async Task<(List<Disagreement> Disagreements, bool EmptyQueue, List<long> SerialJobs)> FindDisagreementsAsync(IScheduler scheduler, CancellationToken cancellationToken, HashSet<long>? only = null)
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
        var serial = new List<long>();
        var jobQuery = new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(SourceScheduler.PollGroup), Take = 5000 };
        while (true)
        {
            var page = await scheduler.QueryJobs(jobQuery, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Items)
            {
                if (SourceScheduler.TryParseSourceId(job.Key.Name, out var id))
                {
                    jobs.Add(id);
                    if (job.ConcurrentExecutionDisallowed)
                    {
                        serial.Add(id);
                    }
                }
            }

            if (!page.HasMore)
            {
                break;
            }

            jobQuery = jobQuery with { Skip = jobQuery.Skip + page.Items.Count };
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
                     && fires > dueAt + Tolerance && fires > now + Tolerance
                     && !(trigger.PreviousFireTimeUtc >= dueAt - Tolerance))
            {
                // A trigger later than the store's time would poll the source late; an earlier one (a refresh asked
                // for while the source was being polled) polls it early, which only repeats a poll: left alone. So is
                // one that already fired for the store's time: that poll is running, and writes its next time at its end.
                disagreements.Add(new Disagreement(source.Id, Repair.Move, dueAt));
            }
        }

        foreach (var id in jobs.Where(id => !active.Contains(id) && (only is null || only.Contains(id))))
        {
            disagreements.Add(new Disagreement(id, Repair.Remove, now));
        }

        return (disagreements, triggers.Count == 0 && jobs.Count == 0, serial);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The poll queue had drifted from the store and was repaired: active sources with no poll queued {Queued}, queued later than due {Moved}; paused or removed sources still queued {Removed}")]
    private static partial void LogDrift(ILogger logger, int queued, int moved, int removed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued the polls of {Queued} sources from the store")]
    private static partial void LogFilled(ILogger logger, int queued);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored again the poll jobs of {Count} sources that an older FeedHub had stored as jobs Quartz runs one at a time: a poll's turn now keeps them apart")]
    private static partial void LogSerialJobsRestored(ILogger logger, int count);

    private enum Repair
    {
        Queue,
        Move,
        Remove,
    }

    private sealed record Disagreement(long SourceId, Repair Repair, DateTimeOffset DueAt);
}
