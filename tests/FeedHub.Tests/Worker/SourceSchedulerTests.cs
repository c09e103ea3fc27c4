using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using FeedHub.Worker;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace FeedHub.Tests.Worker;

/// <summary>
/// The end of a poll moves the source's trigger only when it has to: a trigger that repeats along the source's slots
/// is left as Quartz moved it when it fired, and whatever was asked for while the poll ran (a refresh, a removal)
/// still wins. On both job stores: Quartz's memory on LiteDB, the clustered tables on PostgreSQL.
/// </summary>
public sealed class SourceSchedulerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public static TheoryData<string> Stores => ["litedb", "postgres"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_poll_that_ends_where_its_trigger_already_fires_next_writes_nothing(string store)
    {
        await using var context = await Context.StartAsync(store);
        var (scheduler, queue) = (context.Scheduler, context.Queue);
        var slot = context.Slot(2);

        // Stored since the firing (something later than the poll's next time, so that a write would show).
        await queue.ScheduleAsync(1, slot + TimeSpan.FromMinutes(10), default);
        await queue.RescheduleAfterPollAsync(1, slot, slot - Interval, slot + TimeSpan.FromMilliseconds(1), null, default);

        Assert.Equal(slot + TimeSpan.FromMinutes(10), await context.NextFireAsync(1));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_trigger_put_on_a_slot_repeats_the_gap_since_the_last_one(string store)
    {
        await using var context = await Context.StartAsync(store);
        var slot = context.Slot(2);

        // The source's job is queued without a trigger (as an older FeedHub's one-shot poll left it once fired).
        await context.QueuedWithoutTriggerAsync(1);
        await context.Queue.RescheduleAfterPollAsync(1, slot, slot - Interval, null, null, default);

        var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await context.Scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(1)));
        Assert.Equal(slot, trigger.NextFireTimeUtc);
        Assert.Equal(Interval, trigger.RepeatInterval);
        Assert.Equal(slot + Interval, trigger.GetFireTimeAfter(slot));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_longer_interval_moves_the_trigger_that_fired_later_but_keeps_a_refresh_asked_during_the_poll(string store)
    {
        await using var context = await Context.StartAsync(store);
        var queue = context.Queue;
        var fired = context.Slot(1);
        var wanted = context.Slot(3);

        // Source 1: the trigger is the one that fired, repeating every hour; the source now wants two.
        await context.FiredAsync(1, fired + Interval, Interval);
        await queue.RescheduleAfterPollAsync(1, wanted, fired, fired + Interval, null, default);
        Assert.Equal(wanted, await context.NextFireAsync(1));

        // Source 2: the same, but a refresh replaced the trigger while the poll ran.
        await context.FiredAsync(2, fired + Interval, Interval);
        var refresh = context.Now + TimeSpan.FromMinutes(1);
        await queue.ScheduleAsync(2, refresh, default);
        await queue.RescheduleAfterPollAsync(2, wanted, fired, fired + Interval, null, default);
        Assert.Equal(refresh, (await context.NextFireAsync(2)).GetValueOrDefault(), TimeSpan.FromSeconds(2));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_shorter_interval_moves_the_trigger_earlier(string store)
    {
        await using var context = await Context.StartAsync(store);
        var fired = context.Slot(1);
        await context.FiredAsync(1, fired + (2 * Interval), 2 * Interval);

        await context.Queue.RescheduleAfterPollAsync(1, fired + Interval, fired, fired + (2 * Interval), null, default);

        Assert.Equal(fired + Interval, await context.NextFireAsync(1));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_source_removed_during_its_poll_stays_unscheduled_whatever_its_trigger_said(string store)
    {
        await using var context = await Context.StartAsync(store);
        var (scheduler, queue) = (context.Scheduler, context.Queue);
        var fired = context.Slot(1);
        foreach (var (id, firesNext) in new (long, DateTimeOffset?)[] { (1, fired + Interval), (2, null), (3, fired + (3 * Interval)) })
        {
            await context.FiredAsync(id, fired + Interval, Interval);
            await queue.UnscheduleAsync(id, default);
            await queue.RescheduleAfterPollAsync(id, fired + (2 * Interval), fired, firesNext, null, default);
            Assert.False(await scheduler.Exists(SourceScheduler.JobKeyOf(id)), $"source {id}");
            Assert.Null(await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(id)));
        }
    }

    /// <summary>
    /// A source is paused (its poll job deleted) at the end of its poll, after the poll found the job queued and before
    /// it stores its next trigger: the trigger is not stored, nothing is thrown (the poll job would log an error), and
    /// the paused source stays unscheduled. The pause is made by the scheduler the poll writes through, at its write.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_pause_deleting_the_job_just_before_a_poll_stores_its_next_trigger_leaves_it_unscheduled_without_an_error(string store)
    {
        await using var context = await Context.StartAsync(store);
        var fired = context.Slot(1);
        await context.FiredAsync(1, fired + Interval, Interval);
        var pausedFirst = ActingBeforeTriggerWrites.Pausing(context.Scheduler, context.Queue, 1);
        var queue = ActivatorUtilities.CreateInstance<SourceScheduler>(context.Services, pausedFirst);

        // Once with the trigger it fired still pending, and once without (as an older FeedHub's one-shot trigger left it).
        await queue.RescheduleAfterPollAsync(1, fired + Interval + TimeSpan.FromMinutes(5), fired, null, null, default);
        await context.QueuedWithoutTriggerAsync(2);
        var pausedThen = ActingBeforeTriggerWrites.Pausing(context.Scheduler, context.Queue, 2);
        await ActivatorUtilities.CreateInstance<SourceScheduler>(context.Services, pausedThen).PollAgainAfterTurnAsync(2, default);

        foreach (var id in new long[] { 1, 2 })
        {
            Assert.False(await context.Scheduler.Exists(SourceScheduler.JobKeyOf(id)), $"source {id}");
            Assert.Null(await context.Scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(id)));
        }
    }

    /// <summary>
    /// The end of a poll that moves its trigger later (the interval grew) reads the trigger, finds it still the one that
    /// fired, and replaces it: a refresh queued between the read and the replacement is not lost, it is polled at once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_refresh_queued_just_before_a_poll_moves_its_trigger_later_is_kept(string store)
    {
        await using var context = await Context.StartAsync(store);
        var fired = context.Slot(1);
        var wanted = context.Slot(3);
        var id = await context.StoredSourceAsync(wanted);
        await context.FiredAsync(id, fired + Interval, Interval);
        var refreshFirst = ActingBeforeTriggerWrites.Around(context.Scheduler, async () => Assert.Null((await context.Catalog.RefreshAsync(id, default)).Error));
        var queue = ActivatorUtilities.CreateInstance<SourceScheduler>(context.Services, refreshFirst);

        await queue.RescheduleAfterPollAsync(id, wanted, fired, fired + Interval, null, default);

        var refreshed = (await context.Store.GetSourceAsync(id, default))!.Fetch.NextPollAt!.Value;
        Assert.True(refreshed < context.Now + TimeSpan.FromMinutes(1), $"the refresh stored {refreshed:O}");
        Assert.Equal(refreshed, (await context.NextFireAsync(id)).GetValueOrDefault(), TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// A curator refreshes a source while it is being polled (while its feed's server answers): the poll's save keeps
    /// the refresh's time as the source's next poll, which the curator's pages show and the schedule sync repairs the
    /// queue from, and the queue holds it, though the poll's end moves the trigger it fired to the poll's next time.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_refresh_asked_while_the_source_is_polled_stays_its_next_poll_in_the_store_and_the_queue(string store)
    {
        await using var context = await Context.StartAsync(store);
        var fired = context.Slot(0);
        var id = 0L;
        DateTimeOffset? asked = null;
        await using var blog = LocalHttpServer.Serving(_ =>
        {
            // The poll has read the source and fetches: the refresh is stored and queued before the feed is answered.
            var refresh = Task.Run(() => context.Catalog.RefreshAsync(id, default)).GetAwaiter().GetResult();
            asked = refresh.Source!.Fetch.NextPollAt;
            return HttpReply.Text(200, FeedFixtures.Rss("Refreshed Blog", [0, 1]), "application/rss+xml");
        });
        id = await context.StoredSourceAsync(fired, blog.Url("feed.xml").AbsoluteUri);
        await context.FiredAsync(id, fired + Interval, Interval);

        var report = await context.Services.GetRequiredService<SourcePoller>().PollAsync(id, default);
        await context.Queue.RescheduleAfterPollAsync(id, report.NextPollAt!.Value, fired, fired + Interval, report.DueAt, default);

        Assert.NotNull(asked);
        Assert.True(report.NextPollAt > asked + TimeSpan.FromMinutes(1), $"the poll's next time {report.NextPollAt:O} is no later than the refresh {asked:O}");
        var nextPoll = (await context.Store.GetSourceAsync(id, default))!.Fetch.NextPollAt;
        Assert.Equal(asked!.Value, nextPoll.GetValueOrDefault(), TimeSpan.FromMilliseconds(1));
        var fires = await context.NextFireAsync(id);
        Assert.True(fires < asked + TimeSpan.FromMinutes(1), $"the refreshed source is queued for {fires:O}, refreshed at {asked:O}");
    }

    /// <summary>
    /// The end of a quiet poll (a 304 whose fetch state is saved with others a moment later, <see cref="Core.Polling.QuietPollSaves"/>)
    /// that moves its trigger later: the store still holds the time the poll was due, which is no refresh, and the trigger
    /// moves to the poll's next time instead of firing again at once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_quiet_poll_whose_save_is_pending_moves_its_trigger_later_without_firing_again(string store)
    {
        await using var context = await Context.StartAsync(store);
        var fired = context.Slot(1);
        var wanted = context.Slot(3);
        var id = await context.StoredSourceAsync(fired);
        await context.FiredAsync(id, fired + Interval, Interval);

        await context.Queue.RescheduleAfterPollAsync(id, wanted, fired, fired + Interval, null, default);

        Assert.Equal(wanted, (await context.NextFireAsync(id)).GetValueOrDefault(), TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// The schedule sync finds an active source missing from the queue and queues it at the store's time, tomorrow; a
    /// refresh queued after the sync looked and before it wrote stays queued, and the source is polled now, not tomorrow.
    /// A source paused in the same moment leaves the queue. (On a worker that starts, its first sync runs as the first
    /// curators' changes come in: a refresh lost so waited for the source's next time.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_refresh_queued_while_the_schedule_sync_repairs_the_queue_is_kept_and_a_pause_is_followed(string store)
    {
        await using var context = await Context.StartAsync(store);
        var tomorrow = context.Now.AddDays(1);
        var (refreshed, paused) = (await context.StoredSourceAsync(tomorrow), await context.StoredSourceAsync(tomorrow));
        var changesFirst = ActingBeforeTriggerWrites.Around(context.Scheduler, async () =>
        {
            Assert.Null((await context.Catalog.RefreshAsync(refreshed, default)).Error);
            Assert.Null((await context.Catalog.UpdateAsync(paused, new SourceSettings { State = SourceState.Paused }, default)).Error);
        });
        var sync = ActivatorUtilities.CreateInstance<ScheduleSyncJob>(context.Services, ActivatorUtilities.CreateInstance<SourceScheduler>(context.Services, changesFirst));

        await sync.Execute(SyncRun.On(context.Scheduler), default);

        var fires = await context.NextFireAsync(refreshed);
        Assert.True(fires < context.Now + TimeSpan.FromMinutes(1), $"the refreshed source is queued for {fires:O}");
        Assert.False(await context.Scheduler.Exists(SourceScheduler.JobKeyOf(paused)));
        Assert.Null(await context.NextFireAsync(paused));
    }

    /// <summary>
    /// A real worker on PostgreSQL polls a feed answering 304 every few seconds: after the poll that put the trigger on
    /// the source's slots, the same trigger fires poll after poll (a trigger rewritten at each poll would have fired once).
    /// </summary>
    [Fact]
    public async Task On_postgres_a_source_polled_on_its_slots_keeps_the_trigger_that_fires_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var blog = LocalHttpServer.Serving(request => request.Header("If-None-Match") == "\"v1\""
            ? new HttpReply(304, [], [("ETag", "\"v1\"")])
            : HttpReply.Text(200, FeedFixtures.Rss("Slot Blog", [0, 1]), "application/rss+xml", ("ETag", "\"v1\"")));
        // Polled every 10 s with a minimum of 1 s, a poll stays on its next slot when it ends within half the interval.
        // A minimum of the interval itself allows a tenth (0.6 s of 6), which a busy machine's poll overran at each poll
        // and so moved the source to the slot after, rewriting its trigger, as it should.
        const string Every = "00:00:10";
        await using var app = await TestApp.StartAsync(settings:
        [
            "--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}",
            "--FeedHub:Polling:MinInterval=00:00:01", $"--FeedHub:Polling:MaxInterval={Every}", $"--FeedHub:Polling:DefaultInterval={Every}",
        ]);
        var added = await app.Get<SourceCatalog>().AddAsync(blog.Url("feed.xml").AbsoluteUri, SourceSettings.None, default);
        var id = added.Source!.Id;
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();

        var trigger = await TestApp.EventuallyAsync(
            async () => await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(id)) as ISimpleTrigger,
            t => t?.TimesTriggered >= 3, TimeSpan.FromSeconds(120));

        Assert.NotNull(trigger);
        Assert.True(trigger.TimesTriggered >= 3, $"the trigger fired {trigger.TimesTriggered} times");
        // The interval, or the gap to the next slot from a firing that came late (the trigger then drifts from the slots
        // by that much a poll, and is rewritten onto them once the drift reaches a tenth of a second).
        var every = TimeSpan.Parse(Every, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(trigger.RepeatInterval, every - TimeSpan.FromMilliseconds(100), every + TimeSpan.FromMilliseconds(100));
        Assert.True(blog.Requests.Count >= 4, $"{blog.Requests.Count} requests");
        var source = await app.Get<IFeedStore>().GetSourceAsync(id, default);
        Assert.NotNull(source?.Fetch.NextPollAt);
        Assert.NotNull(trigger.NextFireTimeUtc);
    }

    /// <summary>
    /// A worker on PostgreSQL acquires its polls under the cluster lock, as Quartz's own acquisition metric tags each
    /// round, so that two workers take a burst in turn (lock-free rounds split one 65/35, see ClusterTests); the pages'
    /// limit is counted per node, so no round counts the cluster's firings in flight.
    /// </summary>
    [Fact]
    public async Task On_postgres_a_workers_rounds_acquire_under_the_cluster_lock_and_count_no_firings_in_flight()
    {
        var rounds = new ConcurrentQueue<(string? Scheduler, string? Lock, string? Reason, long Acquired)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == "Quartz" && instrument.Name == "quartz.trigger.acquired")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, acquired, tags, _) =>
        {
            var named = tags.ToArray();
            string? Tag(string name) => named.FirstOrDefault(t => t.Key == name).Value as string;
            rounds.Enqueue((Tag("quartz.scheduler.id"), Tag("quartz.jobstore.lock"), Tag("quartz.jobstore.lock.reason"), acquired));
        });
        listener.Start();
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var blog = LocalHttpServer.Serving(request => request.Header("If-None-Match") == "\"v1\""
            ? new HttpReply(304, [], [("ETag", "\"v1\"")])
            : HttpReply.Text(200, FeedFixtures.Rss("Round Blog", [0, 1]), "application/rss+xml", ("ETag", "\"v1\"")));
        const string Every = "00:00:06";
        await using var app = await TestApp.StartAsync(settings:
        [
            "--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}",
            $"--FeedHub:Polling:MinInterval={Every}", $"--FeedHub:Polling:MaxInterval={Every}", $"--FeedHub:Polling:DefaultInterval={Every}",
        ]);
        var instance = (await app.Get<ISchedulerFactory>().GetScheduler()).SchedulerInstanceId;
        await app.Get<SourceCatalog>().AddAsync(blog.Url("feed.xml").AbsoluteUri, SourceSettings.None, default);

        List<(string? Scheduler, string? Lock, string? Reason, long Acquired)> Ours() => rounds.Where(r => r.Scheduler == instance).ToList();
        var ours = await TestApp.EventuallyAsync(() => Task.FromResult(Ours()), r => r.Count(round => round.Reason == "acquire_within_lock") >= 3, TimeSpan.FromSeconds(120));

        Assert.True(ours.Count(round => round.Reason == "acquire_within_lock") >= 3, string.Join("; ", ours.Select(r => $"{r.Acquired} under {r.Lock} ({r.Reason})")));
        Assert.DoesNotContain(ours, round => round.Reason == "cluster_limit");
    }

    /// <summary>
    /// A worker fires a source's poll while its turn is held, as a running poll holds it (here, or on another node on
    /// PostgreSQL): the firing polls nothing and the poll waits in the queue, asked again and again, until the turn is
    /// given back; then it polls, once.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_poll_due_while_the_sources_turn_is_held_waits_in_the_queue_and_polls_once_the_turn_is_given_back(string store)
    {
        await using var database = store == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Turn Blog", [0, 1]), "application/rss+xml"));
        string[] settings = database is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"];
        await using var app = await TestApp.StartAsync(settings: settings);
        var queue = app.Get<SourceScheduler>();
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();

        // A source due tomorrow, queued so, and its turn held.
        var tomorrow = DateTimeOffset.UtcNow.AddDays(1);
        var source = await app.Get<IFeedStore>().AddSourceAsync(
            new Core.Model.Source { FeedUrl = blog.Url("feed.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow, Fetch = new() { NextPollAt = tomorrow } }, default);
        await queue.ScheduleAsync(source.Id, tomorrow, default);
        var turn = await app.Get<PollTurns>().TryTakeAsync(source.Id, default);
        Assert.NotNull(turn);

        // A refresh: the poll fires at once (on PostgreSQL, within the idle wait), finds the turn taken and is queued
        // again a moment later, and again.
        var askedAt = DateTimeOffset.UtcNow;
        await queue.ScheduleAsync(source.Id, askedAt, default);
        var requeued = await TestApp.EventuallyAsync(
            async () => (await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(source.Id)))?.NextFireTimeUtc,
            fires => fires > askedAt + TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(60));
        Assert.True(requeued > askedAt + TimeSpan.FromSeconds(1.5), $"the poll was not queued again: it fires at {requeued:O}, asked at {askedAt:O}");
        Assert.Empty(blog.Requests);

        await turn.DisposeAsync();
        var polled = await TestApp.EventuallyAsync(() => app.Get<IFeedStore>().GetSourceAsync(source.Id, default), s => s?.Fetch.LastSuccessAt is not null);
        Assert.NotNull(polled?.Fetch.LastSuccessAt);
        var queued = await TestApp.EventuallyAsync(
            async () => (await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(source.Id)))?.NextFireTimeUtc,
            fires => fires is { } at && (at - polled.Fetch.NextPollAt!.Value).Duration() < TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(polled.Fetch.NextPollAt!.Value, queued.GetValueOrDefault(), TimeSpan.FromSeconds(1));
        Assert.Single(blog.Requests);
    }

    /// <summary>
    /// A poll fired by a trigger asked for once (here a repair; a refresh or a source's first poll alike) ends without
    /// moving its trigger, as one that failed does, and a refresh is stored while Quartz completes that firing: after the
    /// completion read the trigger and before it wrote, where it deleted a spent trigger by key (on PostgreSQL the
    /// driver delegate is gated there; where a completion writes nothing, the refresh comes once it committed). The
    /// refreshed source is polled. In memory Quartz decides and deletes under one lock, and a refresh is stored once
    /// the firing ran.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_refresh_stored_while_Quartz_completes_a_poll_that_did_not_move_its_trigger_is_polled(string store)
    {
        await using var database = store == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
        var databaseName = database is null ? null : new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Completion Blog", [0, 1]), "application/rss+xml"));
        string[] settings = database is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"];
        Action<IServiceCollection>? gated = database is null ? null : services => services.AddSingleton<Quartz.Impl.AdoJobStore.IDriverDelegate, GatedTriggerDeletes>();
        await using var app = await TestApp.StartAsync(dataDirectory: null, allowPrivateNetworks: true, worker: true, gated, settings);
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        var source = await app.Get<IFeedStore>().AddSourceAsync(
            new Source { FeedUrl = blog.Url("feed.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow, Fetch = new() { NextPollAt = DateTimeOffset.UtcNow.AddDays(1) } }, default);
        var refreshed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task RefreshAsync() => refreshed.TrySetResult((await app.Get<SourceCatalog>().RefreshAsync(source.Id, default)).Source!.Fetch.NextPollAt!.Value);
        var ran = new TaskCompletionSource<TriggerKey>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Guid.NewGuid().ToString("N");
        EndsWithoutMovingItsTrigger.Runs[run] = context =>
        {
            if (databaseName is not null)
            {
                GatedTriggerDeletes.Before(databaseName, context.Trigger.Key, RefreshAsync);
            }

            ran.TrySetResult(context.Trigger.Key);
        };
        await scheduler.AddJob(
            JobBuilder.Create<EndsWithoutMovingItsTrigger>().WithIdentity(SourceScheduler.JobKeyOf(source.Id)).UsingJobData(EndsWithoutMovingItsTrigger.RunKey, run).StoreDurably().Build(),
            AddJobOptions.Replacing);

        await app.Get<SourceScheduler>().RepairAsync([new DuePoll(source.Id, DateTimeOffset.UtcNow)], default);

        var key = await ran.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (database is not null)
        {
            // The completion deletes the firing's row in its transaction: gone, the completion is over, gate or no gate.
            await TestApp.EventuallyAsync(() => FiredRowsAsync(database, key), rows => rows == 0);
        }

        if (databaseName is null || GatedTriggerDeletes.Disarm(databaseName, key))
        {
            await RefreshAsync();
        }

        var asked = await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var polled = await TestApp.EventuallyAsync(
            () => app.Get<IFeedStore>().GetSourceAsync(source.Id, default), s => s?.Fetch.LastAttemptAt >= asked - TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(20));
        Assert.True(polled?.Fetch.LastAttemptAt >= asked - TimeSpan.FromMilliseconds(1), $"refreshed at {asked:O}, last polled at {polled?.Fetch.LastAttemptAt:O}; queued for {(await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(source.Id)))?.NextFireTimeUtc:O}");
    }

    private static async Task<long> FiredRowsAsync(PostgresTestDatabase database, TriggerKey key)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM qrtz_fired_triggers WHERE trigger_name = $1 AND trigger_group = $2", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = key.Name });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = key.Group });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A source's poll job that ends without moving its trigger, as one that failed before its end does.</summary>
    public sealed class EndsWithoutMovingItsTrigger : IJob
    {
        public const string RunKey = "run";

        internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Action<IJobExecutionContext>> Runs = new();

        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            if (Runs.TryRemove(context.MergedJobDataMap.GetString(RunKey)!, out var run))
            {
                run(context);
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// PostgreSQL's driver delegate, with something done by another caller just before a delete of a trigger by key (the
    /// completion of a firing that read the trigger spent): once, for a trigger armed in a database.
    /// </summary>
    public sealed class GatedTriggerDeletes : Quartz.Impl.AdoJobStore.PostgreSQLDelegate
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Database, TriggerKey Key), Func<Task>> Gates = new();

        internal static void Before(string database, TriggerKey key, Func<Task> act) => Gates[(database, key)] = act;

        /// <summary>True when the gate had not acted (and now never will).</summary>
        internal static bool Disarm(string database, TriggerKey key) => Gates.TryRemove((database, key), out _);

        public override async ValueTask<int> DeleteTrigger(Quartz.Impl.AdoJobStore.ConnectionAndTransactionHolder conn, TriggerKey triggerKey, CancellationToken cancellationToken = default)
        {
            if (Gates.TryRemove((conn.Connection.Database, triggerKey), out var act))
            {
                // On a connection of its own, outside whatever Quartz keeps in the async context of this one.
                Task acting;
                using (ExecutionContext.SuppressFlow())
                {
                    acting = Task.Run(act, CancellationToken.None);
                }

                await acting;
            }

            return await base.DeleteTrigger(conn, triggerKey, cancellationToken);
        }
    }

    /// <summary>
    /// A database where an older FeedHub stored a poll job Quartz runs one at a time (the job store keeps the flag of
    /// the attribute it had): a worker's schedule sync stores it again as a plain job, and leaves its trigger as it was.
    /// </summary>
    [Fact]
    public async Task On_postgres_a_poll_job_stored_to_run_one_at_a_time_is_stored_again_without_it_and_keeps_its_trigger()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        string[] settings = ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"];
        var tomorrow = DateTimeOffset.UtcNow.AddDays(1);
        long id;
        await using (var before = await TestApp.StartAsync(worker: false, settings: settings))
        {
            var source = await before.Get<IFeedStore>().AddSourceAsync(
                new Core.Model.Source { FeedUrl = "http://127.0.0.1:9/feed.xml", CreatedAt = DateTimeOffset.UtcNow, Fetch = new() { NextPollAt = tomorrow } }, default);
            id = source.Id;
            await before.Get<SourceScheduler>().ScheduleAsync(id, tomorrow, default);
            var scheduler = await before.Get<ISchedulerFactory>().GetScheduler();
            var older = JobBuilder.Create<PollJob>().WithIdentity(SourceScheduler.JobKeyOf(id)).UsingJobData(PollJob.SourceIdKey, id)
                .DisallowConcurrentExecution().RequestRecovery().StoreDurably().Build();
            await scheduler.AddJob(older, AddJobOptions.Replacing);
            Assert.True((await scheduler.GetJobDetail(SourceScheduler.JobKeyOf(id)))!.ConcurrentExecutionDisallowed);
        }

        await using var worker = await TestApp.StartAsync(settings: settings);
        var workerScheduler = await worker.Get<ISchedulerFactory>().GetScheduler();
        var job = await TestApp.EventuallyAsync(
            async () => await workerScheduler.GetJobDetail(SourceScheduler.JobKeyOf(id)), j => j is { ConcurrentExecutionDisallowed: false }, TimeSpan.FromSeconds(60));
        Assert.False(job!.ConcurrentExecutionDisallowed);
        Assert.Equal(id, job.JobDataMap.GetLong(PollJob.SourceIdKey));
        Assert.Equal(tomorrow, (await workerScheduler.GetTrigger(SourceScheduler.TriggerKeyOf(id)))!.NextFireTimeUtc.GetValueOrDefault(), TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// The job store as a worker sees it, with something done by another caller (a pause, a refresh) just before the
    /// first write of a trigger: after the caller decided what to write from what it read, and before the write.
    /// </summary>
    public class ActingBeforeTriggerWrites : DispatchProxy
    {
        private static readonly HashSet<string> TriggerWrites =
            [nameof(IScheduler.ScheduleTrigger), nameof(IScheduler.ScheduleJobs), nameof(IScheduler.RescheduleJob)];

        private IScheduler _scheduler = null!;
        private Func<Task> _act = null!;
        private int _acted;

        internal static ISchedulerFactory Around(IScheduler scheduler, Func<Task> act)
        {
            var proxy = Create<IScheduler, ActingBeforeTriggerWrites>();
            ((ActingBeforeTriggerWrites)(object)proxy)._scheduler = scheduler;
            ((ActingBeforeTriggerWrites)(object)proxy)._act = act;
            return new OneScheduler(proxy);
        }

        /// <summary>Before the write, the source is paused: its job deleted, as <see cref="SourceScheduler.UnscheduleAsync"/> does.</summary>
        internal static ISchedulerFactory Pausing(IScheduler scheduler, SourceScheduler pausing, long sourceId)
            => Around(scheduler, () => pausing.UnscheduleAsync(sourceId, default));

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (TriggerWrites.Contains(targetMethod!.Name) && Interlocked.Exchange(ref _acted, 1) == 0)
            {
                // On a thread of its own, off the caller's synchronization context; the test waits for it.
                Task.Run(_act).GetAwaiter().GetResult();
            }

            return targetMethod.Invoke(_scheduler, args);
        }
    }

    /// <summary>A job's run as the schedule sync reads it: the scheduler it runs on, and nothing else.</summary>
    public class SyncRun : DispatchProxy
    {
        private IScheduler _scheduler = null!;

        internal static IJobExecutionContext On(IScheduler scheduler)
        {
            var proxy = Create<IJobExecutionContext, SyncRun>();
            ((SyncRun)(object)proxy)._scheduler = scheduler;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
            => targetMethod!.Name == "get_" + nameof(IJobExecutionContext.Scheduler) ? _scheduler : throw new NotSupportedException(targetMethod.Name);
    }

    /// <summary>A scheduler factory that gives one scheduler.</summary>
    private sealed class OneScheduler(IScheduler scheduler) : ISchedulerFactory
    {
        public ValueTask<List<IScheduler>> GetAllSchedulers(CancellationToken cancellationToken = default) => ValueTask.FromResult<List<IScheduler>>([scheduler]);

        public ValueTask<IScheduler> GetScheduler(CancellationToken cancellationToken = default) => ValueTask.FromResult(scheduler);

        public ValueTask<IScheduler?> LookupScheduler(string schedulerName, CancellationToken cancellationToken = default) => ValueTask.FromResult<IScheduler?>(scheduler);
    }

    private sealed class Context(TestApp app, PostgresTestDatabase? database, IScheduler scheduler) : IAsyncDisposable
    {
        public IScheduler Scheduler => scheduler;

        public SourceScheduler Queue => app.Get<SourceScheduler>();

        public IServiceProvider Services => app.Services;

        public IFeedStore Store => app.Get<IFeedStore>();

        public SourceCatalog Catalog => app.Get<SourceCatalog>();

        public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

        /// <summary>A time <paramref name="hours"/> whole hours from now, on a whole second as slots need not be.</summary>
        public DateTimeOffset Slot(int hours) => new DateTimeOffset(Now.UtcTicks - (Now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddHours(hours).AddTicks(1234);

        public static async Task<Context> StartAsync(string store)
        {
            var database = store == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
            string[] settings = database is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"];
            var app = await TestApp.StartAsync(worker: false, settings: settings);
            return new Context(app, database, await app.Get<ISchedulerFactory>().GetScheduler());
        }

        /// <summary>An active source in the store, next due at <paramref name="nextPollAt"/>, that the queue does not hold.</summary>
        public async Task<long> StoredSourceAsync(DateTimeOffset nextPollAt, string? feedUrl = null)
        {
            var source = await Store.AddSourceAsync(
                new Source { FeedUrl = feedUrl ?? $"http://127.0.0.1:9/{Guid.NewGuid():N}.xml", CreatedAt = Now, Fetch = new() { NextPollAt = nextPollAt } }, default);
            return source.Id;
        }

        /// <summary>A source's poll job, queued with no trigger: the state after an older FeedHub's one-shot trigger fired.</summary>
        public async Task QueuedWithoutTriggerAsync(long sourceId)
        {
            await Queue.ScheduleAsync(sourceId, Now + TimeSpan.FromDays(1), default);
            Assert.True(await scheduler.UnscheduleJob(SourceScheduler.TriggerKeyOf(sourceId)));
        }

        /// <summary>A source's repeating trigger as Quartz leaves it once it fired: next at <paramref name="next"/>, every <paramref name="gap"/>.</summary>
        public async Task FiredAsync(long sourceId, DateTimeOffset next, TimeSpan gap)
        {
            await QueuedWithoutTriggerAsync(sourceId);
            await Queue.RescheduleAfterPollAsync(sourceId, next, next - gap, null, null, default);
            var trigger = Assert.IsAssignableFrom<ISimpleTrigger>(await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(sourceId)));
            Assert.Equal(next, trigger.NextFireTimeUtc);
            Assert.Equal(gap, trigger.RepeatInterval);
        }

        public async Task<DateTimeOffset?> NextFireAsync(long sourceId) => (await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(sourceId)))?.NextFireTimeUtc;

        public async ValueTask DisposeAsync()
        {
            await app.DisposeAsync();
            if (database is not null)
            {
                await database.DisposeAsync();
            }
        }
    }
}
