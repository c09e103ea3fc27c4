using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedHub.Worker;

/// <summary>
/// The queue the workers take their work from, as every FeedHub process sees it: one Quartz job per active source,
/// triggered when the source is next due (the store's next poll time, written first), and one trigger per article
/// page to fetch. On PostgreSQL every process writes to the same clustered job store, so a change made on a web node
/// or from the command line is picked up by whichever worker is free at its next look (within the idle wait).
/// </summary>
public sealed class SourceScheduler(ISchedulerFactory schedulerFactory, IFeedStore store, TimeProvider timeProvider, IOptions<StorageOptions> storage, IOptions<ClusterOptions> cluster)
    : IPollScheduler
{
    public const string PollGroup = "poll";
    public const string PageGroup = "extract";
    public const string PageExecutionGroupPrefix = "page:";
    private const string SourcePrefix = "source-";

    /// <summary>How many triggers one transaction stores when many polls are queued at once.</summary>
    private const int BatchSize = 500;

    /// <summary>
    /// Past this, a trigger is not "misfired" but simply late: a backlog of due polls is worked through in order
    /// instead of being re-timed by the misfire handler.
    /// </summary>
    private static readonly TimeSpan LateIsNotMissed = TimeSpan.FromDays(7);

    /// <summary>
    /// How near the trigger's next fire time must be to the wanted one to be left as it is: a repeat interval is stored
    /// in whole milliseconds, so a trigger repeating an interval that is not drifts from the slots by under a millisecond
    /// a poll, and is moved back onto them when the drift reaches this (the schedule sync tolerates a second).
    /// </summary>
    private static readonly TimeSpan SameSlot = TimeSpan.FromMilliseconds(100);

    /// <summary>The shortest gap a trigger repeats, as the shortest interval <see cref="PollSchedule.Slot"/> keeps.</summary>
    private static readonly TimeSpan MinimumRepeat = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a poll asked for once (a refresh, a repair, a source's first poll) fires again if the end of its poll
    /// never moves it. Every poll's end moves its trigger to the source's next poll time, so it is only reached after a
    /// poll that failed before its end (its store unreachable, the process stopping): it is then the retry, a few
    /// minutes later as the schedule sync's repair of a spent trigger was, and long enough that no poll still runs when
    /// it fires. It is there so that no poll trigger is ever spent: Quartz completes a firing
    /// whose trigger has no next fire time by deleting the trigger, and on PostgreSQL it does so without the trigger
    /// lock (for a durable job), by key, after reading the trigger in a separate statement: a trigger stored for the
    /// source between the two (a refresh, a repair) was deleted with it, and the source sat unqueued. A trigger that
    /// repeats is completed by deleting its fired row alone, on both job stores. (In memory, Quartz compares the stored
    /// trigger's next fire time under its one lock, and never deleted one stored since; it does not delete these either.)
    /// </summary>
    private static readonly TimeSpan RepeatUnlessMoved = TimeSpan.FromMinutes(5);

    /// <summary>How long a firing that found its source's turn taken leaves the poll holding it before it asks again.</summary>
    private static readonly TimeSpan TurnRetry = TimeSpan.FromSeconds(2);

    /// <summary>The one durable job that fetches article pages, fired by one trigger per page.</summary>
    public static readonly JobKey PagesJobKey = new("pages", PageGroup);

    public static JobKey JobKeyOf(long sourceId) => new(SourcePrefix + sourceId.ToString(CultureInfo.InvariantCulture), PollGroup);

    public static TriggerKey TriggerKeyOf(long sourceId) => new(SourcePrefix + sourceId.ToString(CultureInfo.InvariantCulture), PollGroup);

    /// <summary>The trigger that fetches an article's page.</summary>
    public static TriggerKey PageTriggerKeyOf(long articleId) => new("article-" + articleId.ToString(CultureInfo.InvariantCulture), PageGroup);

    /// <summary>The source a poll job or trigger is for.</summary>
    public static bool TryParseSourceId(string name, out long sourceId)
    {
        sourceId = 0;
        return name.StartsWith(SourcePrefix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(SourcePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out sourceId);
    }

    /// <summary>
    /// Schedules (or moves) the poll of a source; a time in the past means as soon as a worker is free. On a cluster
    /// nothing falls due sooner than one idle wait from now: by then every idle worker has looked at the queue, so the
    /// polls asked for in a burst (refreshes, an import) are shared between them instead of all going to the one that
    /// happened to look first and then kept finding more.
    /// </summary>
    public Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken)
        => ScheduleAsync([new DuePoll(sourceId, at)], cancellationToken);

    /// <summary>Queues many polls (an import) in a few transactions, none sooner than one idle wait from now.</summary>
    public async Task ScheduleAsync(IReadOnlyCollection<DuePoll> polls, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        foreach (var batch in polls.Chunk(BatchSize))
        {
            await scheduler.ScheduleJobs(PollJobsOf(batch), ScheduleJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Queues the polls the schedule sync found missing from the queue, or queued later than the store's time, at that
    /// time, none sooner than one idle wait from now. The sync decided from a look at the queue, which a write made since
    /// (a refresh, a poll queued again while its source's turn is held) leaves stale: a poll queued earlier than the
    /// repair stays, decided by the job store under its lock in the same step as the write. Those that found the queue
    /// as the sync saw it (nothing of the source stored, as after a start on LiteDB) are stored a few hundred to a
    /// transaction; a source paused or removed since has its job deleted, and stays unscheduled unless the sync found it
    /// without one (<see cref="ScheduleSyncJob"/> follows the store for those afterwards).
    /// </summary>
    public async Task RepairAsync(IReadOnlyCollection<DuePoll> polls, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        foreach (var batch in polls.Chunk(BatchSize))
        {
            try
            {
                // All or nothing: refused whole when any of the sources has a job or a trigger stored.
                await scheduler.ScheduleJobs(PollJobsOf(batch), new ScheduleJobOptions(), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (ObjectAlreadyExistsException)
            {
                // Queued since the look, or only its trigger was missing: one at a time, an earlier trigger kept.
            }

            foreach (var (job, triggers) in PollJobsOf(batch))
            {
                if (!await scheduler.Exists(job.Key, cancellationToken).ConfigureAwait(false))
                {
                    await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
                }

                await KeepEarlierWhileQueuedAsync(scheduler, triggers.Single(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Moves a source's trigger to its next poll time <paramref name="at"/> at the end of its poll, from what the
    /// firing said: the time it was due (<paramref name="firedFor"/>) and when the trigger, moved on by Quartz as it
    /// fired, fires next (<paramref name="firesNext"/>). A poll trigger repeats at the gap between its last two polls,
    /// and a source on its slot (<see cref="PollSchedule"/>) is next due one interval after the last: then the trigger
    /// already fires at <paramref name="at"/> and nothing is written, which on PostgreSQL saves a transaction under
    /// the clustered store's lock on most polls. Otherwise a poll asked for while it ran (a refresh) is kept when it
    /// is earlier, and a source paused or removed while it ran stays unscheduled.
    /// </summary>
    public async Task RescheduleAfterPollAsync(long sourceId, DateTimeOffset at, DateTimeOffset? firedFor, DateTimeOffset? firesNext, DateTimeOffset? startedFrom, CancellationToken cancellationToken)
    {
        if (firesNext is { } fires && (fires - at).Duration() < SameSlot)
        {
            // What was written since the firing stands: a refresh's earlier trigger, or the removal of the job.
            return;
        }

        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var next = PollTriggerOf(sourceId, at, firedFor);
        if (firesNext is null || firesNext < at)
        {
            // The interval grew (fewer posts, a failure backing off): the trigger that fired is pending and earlier, so
            // KeepEarlier would keep it. It is replaced when it is still the one that fired; a trigger stored since
            // (a refresh) is left to KeepEarlier below, and a removed source stays unscheduled. A firing that has no
            // next fire time of its own (Quartz's recovery of a poll a killed worker left under way) replaces a stored
            // trigger that has fired already: a poll asked for once, repeating every RepeatUnlessMoved until a poll's
            // end moves it; a refresh stored since has not fired yet and is kept.
            var stored = await scheduler.GetTrigger(TriggerKeyOf(sourceId), cancellationToken).ConfigureAwait(false);
            if (stored is null && firesNext is not null)
            {
                return;
            }

            if (stored is not null && (firesNext is { } tooEarly
                    ? stored.NextFireTimeUtc == tooEarly
                    : stored.PreviousFireTimeUtc is not null && stored.NextFireTimeUtc < at))
            {
                await scheduler.RescheduleJob(stored.Key, next, cancellationToken).ConfigureAwait(false);
                await KeepRefreshStoredMeanwhileAsync(scheduler, sourceId, at, firedFor, startedFrom, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        await KeepEarlierWhileQueuedAsync(scheduler, next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Read, then written: a refresh queued between the read of the trigger and its replacement by the end of a poll was
    /// replaced with it. A refresh stores the source's next poll time before it queues it, so the store, read after the
    /// replacement, holds the time of any refresh the replacement may have overwritten, and the queue follows it. A
    /// refresh stored after this read queues itself after it, and so after the replacement. Neither the time the poll
    /// was fired for nor the stored time it started from (<paramref name="startedFrom"/>: a refresh it polled, when a
    /// firing that found the turn taken fired it later) is a refresh: they are still in the store while a quiet poll's
    /// save waits for others (<see cref="QuietPollSaves"/>).
    /// </summary>
    private async Task KeepRefreshStoredMeanwhileAsync(IScheduler scheduler, long sourceId, DateTimeOffset at, DateTimeOffset? firedFor, DateTimeOffset? startedFrom, CancellationToken cancellationToken)
    {
        // The store keeps the poll's own time to the millisecond (or less), hence SameSlot.
        if (await store.GetSourceAsync(sourceId, cancellationToken).ConfigureAwait(false) is { State: SourceState.Active, Fetch.NextPollAt: { } due }
            && due < at - SameSlot && !IsWithinSlot(due, firedFor) && !IsWithinSlot(due, startedFrom))
        {
            await KeepEarlierWhileQueuedAsync(scheduler, PollTriggerOf(sourceId, due), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsWithinSlot(DateTimeOffset time, DateTimeOffset? other) => other is { } known && (time - known).Duration() < SameSlot;

    /// <summary>
    /// Queues the poll of a source again, a moment from now, for a firing that found another poll holding the source's
    /// turn (<see cref="PollTurns"/>) and polled nothing: what it was fired for (a refresh) happens once that poll is
    /// over. An earlier trigger stored since stays, and a source removed meanwhile stays unscheduled.
    /// </summary>
    public async Task PollAgainAfterTurnAsync(long sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        await KeepEarlierWhileQueuedAsync(scheduler, PollTriggerOf(sourceId, timeProvider.GetUtcNow() + TurnRetry), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores <paramref name="trigger"/> for its source's poll job unless an earlier trigger is stored, and only while
    /// the job is: a source paused or removed has no job (<see cref="UnscheduleAsync"/>) and stays unscheduled. The job's
    /// presence is decided by the store in the same step as the trigger's write, not read before it: a pause deleting
    /// the job between a read and the write would have the write refused.
    /// </summary>
    private static async Task KeepEarlierWhileQueuedAsync(IScheduler scheduler, ITrigger trigger, CancellationToken cancellationToken)
    {
        try
        {
            await scheduler.ScheduleTrigger(trigger, TriggerConflict.KeepEarlier, cancellationToken).ConfigureAwait(false);
        }
        catch (JobPersistenceException)
        {
            // Refused for want of its job: the source was paused or removed, and nothing is to be queued. Any other
            // refusal (the database, a trigger already stored where none should be) is the caller's.
            if (await scheduler.Exists(trigger.JobKey, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    /// <summary>
    /// Stores the poll jobs of these sources again as this FeedHub builds them, their triggers untouched: the job store
    /// keeps with each job whether Quartz runs it one at a time, which an older FeedHub asked for and Quartz would
    /// otherwise go on doing, at a price on every poll, for the jobs it stored.
    /// </summary>
    public async Task RestorePollJobsAsync(IEnumerable<long> sourceIds, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        foreach (var sourceId in sourceIds)
        {
            await scheduler.AddJob(PollJobOf(sourceId), AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.DeleteJob(JobKeyOf(sourceId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues the fetch of article pages, one trigger each. A page counts against its host's execution group, which
    /// the workers limit across the cluster, so a host's pages wait in the queue (holding no thread) rather than in
    /// front of its feeds.
    /// </summary>
    public async Task QueuePagesAsync(IReadOnlyCollection<(long ArticleId, Uri Page)> pages, CancellationToken cancellationToken)
    {
        if (pages.Count == 0)
        {
            return;
        }

        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var triggers = pages.Select(page => (ITrigger)TriggerBuilder.Create(timeProvider)
            .WithIdentity(PageTriggerKeyOf(page.ArticleId))
            .ForJob(PagesJobKey)
            .UsingJobData(ExtractJob.ArticleIdKey, page.ArticleId)
            .WithExecutionGroup(PageExecutionGroupOf(page.Page))
            .WithMisfireThreshold(LateIsNotMissed)
            .StartNow()
            .Build()).ToList();
        await scheduler.ScheduleJob(PagesJob(), triggers, ScheduleJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The durable job every page trigger fires.</summary>
    public static IJobDetail PagesJob() => JobBuilder.Create<ExtractJob>().WithIdentity(PagesJobKey).StoreDurably().RequestRecovery().Build();

    /// <summary><c>page:HOST</c>, with very long host names (an execution group holds 200 characters) shortened to a digest.</summary>
    internal static string PageExecutionGroupOf(Uri page)
    {
        var host = page.IdnHost.ToLowerInvariant();
        return PageExecutionGroupPrefix + (host.Length <= 150 ? host : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(host))));
    }

    /// <summary>The poll jobs of <paramref name="polls"/> with their triggers, none due sooner than one idle wait from now on a cluster.</summary>
    private Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> PollJobsOf(IEnumerable<DuePoll> polls)
    {
        var earliest = timeProvider.GetUtcNow() + (storage.Value.UsesPostgres ? cluster.Value.IdleWaitTime : TimeSpan.Zero);
        return polls.ToDictionary(
            poll => PollJobOf(poll.SourceId),
            poll => (IReadOnlyCollection<ITrigger>)[PollTriggerOf(poll.SourceId, poll.At > earliest ? poll.At : earliest)]);
    }

    private static IJobDetail PollJobOf(long sourceId) => JobBuilder.Create<PollJob>()
        .WithIdentity(JobKeyOf(sourceId))
        .UsingJobData(PollJob.SourceIdKey, sourceId)
        .RequestRecovery()
        .StoreDurably()
        .Build();

    /// <summary>A poll asked for once, at <paramref name="at"/> (or now when that is past): it repeats only <see cref="RepeatUnlessMoved"/>.</summary>
    private ITrigger PollTriggerOf(long sourceId, DateTimeOffset at) => PollTriggerOf(sourceId, at, null);

    /// <summary>
    /// A poll at <paramref name="at"/> (or now when that is past), repeating at the gap since the poll that was due at
    /// <paramref name="after"/>: the source's interval when both are slots, so the trigger moves itself along them.
    /// Without a poll before it, <see cref="RepeatUnlessMoved"/>: never a trigger that ends.
    /// </summary>
    private ITrigger PollTriggerOf(long sourceId, DateTimeOffset at, DateTimeOffset? after)
    {
        var now = timeProvider.GetUtcNow();
        // A stored repeat interval keeps whole milliseconds; the slots do not, hence SameSlot.
        var gap = after is { } last ? TimeSpan.FromMilliseconds(Math.Round((at - last).TotalMilliseconds)) : TimeSpan.Zero;
        return TriggerBuilder.Create(timeProvider)
            .WithIdentity(TriggerKeyOf(sourceId))
            .ForJob(JobKeyOf(sourceId))
            .StartAt(at > now ? at : now)
            .WithSimpleSchedule(s => s
                .WithInterval(gap >= MinimumRepeat ? gap : RepeatUnlessMoved)
                .RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
            .WithMisfireThreshold(LateIsNotMissed)
            .Build();
    }
}
