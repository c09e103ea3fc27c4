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
/// Two curators' changes of one source at once (a pause and a resume, a remove or a refresh racing them): each is
/// stored, then put in the queue, so the two steps of one may come on either side of the other's. Whatever the order,
/// the source ends with a queued poll exactly when it is active. Each race is held at a gate in front of the real Quartz
/// scheduler (memory on LiteDB, the clustered tables on PostgreSQL), its store change made and its queue change not yet,
/// while the other change runs to its end.
/// </summary>
public sealed class PauseResumeScheduleTests
{
    public static TheoryData<string> Stores => ["litedb", "postgres"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_pause_held_before_the_queue_while_a_resume_runs_leaves_the_source_active_and_queued(string store)
    {
        await using var context = await Context.StartAsync(store);
        var id = await context.SourceAsync(SourceState.Active);

        var pause = context.Gate.Hold(Call.Unschedule, id);
        var pausing = context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Paused }, default);
        await pause.Arrived;
        Assert.Null((await context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Active }, default)).Error);
        pause.Release();
        Assert.Null((await pausing).Error);

        await context.AssertInStepAsync(id, SourceState.Active);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_resume_held_before_the_queue_while_a_pause_runs_leaves_the_source_paused_and_unqueued(string store)
    {
        await using var context = await Context.StartAsync(store);
        var id = await context.SourceAsync(SourceState.Paused);

        var resume = context.Gate.Hold(Call.Schedule, id);
        var resuming = context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Active }, default);
        await resume.Arrived;
        Assert.Null((await context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Paused }, default)).Error);
        resume.Release();
        Assert.Null((await resuming).Error);

        await context.AssertInStepAsync(id, SourceState.Paused);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_bulk_pause_held_before_the_queue_while_a_single_resume_runs_leaves_that_source_active_and_queued(string store)
    {
        await using var context = await Context.StartAsync(store);
        var (first, second) = (await context.SourceAsync(SourceState.Active), await context.SourceAsync(SourceState.Active));

        var pause = context.Gate.Hold(Call.Unschedule, second);
        var pausing = context.Catalog.ApplyAsync([first, second], new BulkChange(BulkAction.Pause), default);
        await pause.Arrived;
        Assert.Null((await context.Catalog.UpdateAsync(second, new SourceSettings { State = SourceState.Active }, default)).Error);
        pause.Release();
        Assert.Equal(2, (await pausing).Changed);

        await context.AssertInStepAsync(first, SourceState.Paused);
        await context.AssertInStepAsync(second, SourceState.Active);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_resume_held_before_the_queue_while_the_source_is_removed_leaves_nothing_queued(string store)
    {
        await using var context = await Context.StartAsync(store);
        var id = await context.SourceAsync(SourceState.Paused);

        var resume = context.Gate.Hold(Call.Schedule, id);
        var resuming = context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Active }, default);
        await resume.Arrived;
        Assert.True(await context.Catalog.RemoveAsync(id, keepArticles: false, default));
        resume.Release();
        await resuming;

        await context.AssertInStepAsync(id, null);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_refresh_held_before_the_queue_while_a_pause_runs_leaves_the_source_paused_and_unqueued(string store)
    {
        await using var context = await Context.StartAsync(store);
        var id = await context.SourceAsync(SourceState.Active);

        var refresh = context.Gate.Hold(Call.Schedule, id);
        var refreshing = context.Catalog.RefreshAsync(id, default);
        await refresh.Arrived;
        Assert.Null((await context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Paused }, default)).Error);
        refresh.Release();
        Assert.Null((await refreshing).Error);

        await context.AssertInStepAsync(id, SourceState.Paused);
    }

    /// <summary>
    /// A move of an active source to a new feed is stored (the source due now at its new address) and held before the
    /// queue while a pause runs to its end: the move's queue write leaves the paused source unqueued.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_move_held_before_the_queue_while_a_pause_runs_leaves_the_source_paused_and_unqueued(string store)
    {
        await using var context = await Context.StartAsync(store);
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Moved Blog", [0, 1]), "application/rss+xml"));
        var id = await context.SourceAsync(SourceState.Active);

        var move = context.Gate.Hold(Call.Schedule, id);
        var moving = context.Catalog.MoveAsync(id, blog.Url("feed.xml").AbsoluteUri, SourceSettings.None, default);
        await move.Arrived;
        Assert.Null((await context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Paused }, default)).Error);
        move.Release();
        Assert.Equal(MoveSourceStatus.Moved, (await moving).Status);

        await context.AssertInStepAsync(id, SourceState.Paused);
        Assert.Equal(blog.Url("feed.xml").AbsoluteUri, (await context.Store.GetSourceAsync(id, default))!.FeedUrl);
    }

    /// <summary>
    /// A duplicate (a poll followed a redirect to another source's address) is resumed: refused, naming the source at
    /// the address, while that source is there; once it has moved to another feed, the resume takes the address back
    /// (the duplicate is found by it, and an add of it is told of it) and queues the source.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_duplicate_resumed_takes_its_address_back_once_the_source_there_moved_and_until_then_names_it(string store)
    {
        await using var context = await Context.StartAsync(store);
        var (original, duplicate) = (await context.SourceAsync(SourceState.Active), await context.SourceAsync(SourceState.Active));
        var address = (await context.Store.GetSourceAsync(original, default))!.FeedUrl;
        await context.Store.SavePollAsync(new PollResult(duplicate) { MovedTo = address }, default);
        await context.Queue.UnscheduleAsync(duplicate, default);
        Assert.Equal(original, (await context.Store.GetSourceAsync(duplicate, default))!.DuplicateOf);

        var refused = await context.Catalog.UpdateAsync(duplicate, new SourceSettings { State = SourceState.Active }, default);
        Assert.Contains($"held by source {original}", refused.Error, StringComparison.Ordinal);
        Assert.Equal((original, SourceState.Paused), (refused.Source!.DuplicateOf, refused.Source.State));
        await context.AssertInStepAsync(duplicate, SourceState.Paused);

        await context.Store.ChangeSourceAsync(original, stored =>
        {
            stored.FeedUrl = "http://127.0.0.1:9/elsewhere.xml";
            return true;
        }, default);
        var resumed = await context.Catalog.UpdateAsync(duplicate, new SourceSettings { State = SourceState.Active }, default);

        Assert.Null(resumed.Error);
        Assert.Equal(((long?)null, SourceState.Active), (resumed.Source!.DuplicateOf, resumed.Source.State));
        Assert.Equal(duplicate, (await context.Store.FindSourceByFeedUrlAsync(address, default))?.Id);
        Assert.Equal(duplicate, (await context.Store.AddSourceAsync(new Source { FeedUrl = address, CreatedAt = DateTimeOffset.UtcNow }, default)).Id);
        await context.AssertInStepAsync(duplicate, SourceState.Active);
    }

    /// <summary>
    /// <c>feedhub poll --once</c> on PostgreSQL (whose queue the workers share) while a curator pauses a source, between
    /// the fetch of its feed and the end of the run: the next polls the command queues leave the paused source out,
    /// and the source polled beside it is queued at its next poll time.
    /// </summary>
    [Fact]
    public async Task A_source_paused_while_the_poll_command_polls_it_is_left_unqueued_and_the_other_queued_at_its_next_poll()
    {
        await using var context = await Context.StartAsync("postgres");
        var (paused, polled) = (await context.SourceAsync(SourceState.Active), await context.SourceAsync(SourceState.Active));
        var pausing = 0;
        await using var blog = LocalHttpServer.Serving(request =>
        {
            if (request.Path.EndsWith("paused.xml", StringComparison.Ordinal) && Interlocked.Exchange(ref pausing, 1) == 0)
            {
                // The curator's pause, stored and unqueued, while the command waits for this answer.
                Assert.Null(Task.Run(() => context.Catalog.UpdateAsync(paused, new SourceSettings { State = SourceState.Paused }, default)).GetAwaiter().GetResult().Error);
            }

            return HttpReply.Text(200, FeedFixtures.Rss("Blog", [0, 1]), "application/rss+xml");
        });
        foreach (var (id, path) in new[] { (paused, "paused.xml"), (polled, "polled.xml") })
        {
            await context.Store.ChangeSourceAsync(id, stored =>
            {
                stored.FeedUrl = blog.Url(path).AbsoluteUri;
                return true;
            }, default);
        }

        var directory = Directory.CreateTempSubdirectory("feedhub-cli-").FullName;
        var run = await FeedHubProcess.RunAsync(directory, new Dictionary<string, string>
        {
            ["FeedHub__Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = context.ConnectionString,
            ["FeedHub__StarterSources"] = string.Empty,
            ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
        }, "poll", "--once");
        Directory.Delete(directory, recursive: true);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("polled 2 sources", run.Out, StringComparison.Ordinal);
        await context.AssertInStepAsync(paused, SourceState.Paused);
        await context.AssertInStepAsync(polled, SourceState.Active);
    }

    /// <summary>
    /// A poll fired by a trigger left for a paused source (a pause stored before its queue write) reads the source
    /// paused, and a resume is stored before the poll ends: the poll's end leaves the resumed source queued.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_poll_that_read_its_source_paused_while_a_resume_is_stored_leaves_it_queued(string store)
    {
        await using var context = await Context.StartAsync(store);
        var id = await context.SourceAsync(SourceState.Paused);
        await context.Queue.ScheduleAsync(id, DateTimeOffset.UtcNow, default);

        var (job, read) = context.PollJobHeldAfterItsRead(id);
        var polling = job.Execute(FiredContext.For(id), default).AsTask();
        await read.Arrived;
        Assert.Null((await context.Catalog.UpdateAsync(id, new SourceSettings { State = SourceState.Active }, default)).Error);
        read.Release();
        await polling;

        await context.AssertInStepAsync(id, SourceState.Active);
    }

    internal enum Call
    {
        Schedule,
        Unschedule,
    }

    /// <summary>The real queue, with one call for one source held until the test lets it through.</summary>
    private sealed class GatedPollScheduler(SourceScheduler queue) : IPollScheduler
    {
        private Hold? _hold;

        public Hold Hold(Call call, long sourceId) => _hold = new Hold(call, sourceId);

        public async Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken)
        {
            await PassAsync(Call.Schedule, sourceId);
            await queue.ScheduleAsync(sourceId, at, cancellationToken);
        }

        public async Task ScheduleAsync(IReadOnlyCollection<DuePoll> polls, CancellationToken cancellationToken)
        {
            foreach (var poll in polls)
            {
                await PassAsync(Call.Schedule, poll.SourceId);
            }

            await queue.ScheduleAsync(polls, cancellationToken);
        }

        public async Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken)
        {
            await PassAsync(Call.Unschedule, sourceId);
            await queue.UnscheduleAsync(sourceId, cancellationToken);
        }

        /// <summary>Waits at the gate when this is the held call (only its first time).</summary>
        private Task PassAsync(Call call, long sourceId)
            => _hold is { } hold && hold.Call == call && hold.SourceId == sourceId && Interlocked.Exchange(ref _hold, null) == hold
                ? hold.WaitAsync()
                : Task.CompletedTask;
    }

    internal sealed class Hold(Call call, long sourceId)
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Call Call => call;

        public long SourceId => sourceId;

        /// <summary>The held call has come to the gate: its change is in the store, not yet in the queue.</summary>
        public Task Arrived => _arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public void Release() => _released.SetResult();

        public Task WaitAsync()
        {
            _arrived.SetResult();
            return _released.Task;
        }
    }

    /// <summary>The store, with the first read of one source held, once read, until the test lets it through.</summary>
    public class HeldReadStore : DispatchProxy
    {
        private IFeedStore _store = null!;
        private long _sourceId;
        private Hold? _hold;

        internal static (IFeedStore Store, Hold Read) Wrapping(IFeedStore store, long sourceId)
        {
            var proxy = Create<IFeedStore, HeldReadStore>();
            var held = (HeldReadStore)(object)proxy;
            (held._store, held._sourceId, held._hold) = (store, sourceId, new Hold(Call.Schedule, sourceId));
            return (proxy, held._hold);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(_store, args);
            return targetMethod.Name == nameof(IFeedStore.GetSourceAsync) && (long)args![0]! == _sourceId && Interlocked.Exchange(ref _hold, null) is { } hold
                ? HeldAsync((Task<Source?>)result!, hold)
                : result;
        }

        private static async Task<Source?> HeldAsync(Task<Source?> read, Hold hold)
        {
            var source = await read;
            await hold.WaitAsync();
            return source;
        }
    }

    /// <summary>What a poll job is given when its trigger fires: only the source's id is read on the way to a skipped poll.</summary>
    public class FiredContext : DispatchProxy
    {
        private JobDataMap _data = null!;

        internal static IJobExecutionContext For(long sourceId)
        {
            var context = Create<IJobExecutionContext, FiredContext>();
            ((FiredContext)(object)context)._data = new JobDataMap { [PollJob.SourceIdKey] = sourceId };
            return context;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name == "get_" + nameof(IJobExecutionContext.MergedJobDataMap)
            ? _data
            : throw new NotSupportedException($"a skipped poll reads no {targetMethod.Name}");
    }

    private sealed class Context(TestApp app, PostgresTestDatabase? database, IScheduler scheduler) : IAsyncDisposable
    {
        public IScheduler Scheduler => scheduler;

        public GatedPollScheduler Gate => (GatedPollScheduler)app.Get<IPollScheduler>();

        public SourceCatalog Catalog => app.Get<SourceCatalog>();

        public SourceScheduler Queue => app.Get<SourceScheduler>();

        public IFeedStore Store => app.Get<IFeedStore>();

        public string ConnectionString => database!.ConnectionString;

        /// <summary>A poll job, as a worker runs it, whose poll's first read of the source is held once read.</summary>
        public (PollJob Job, Hold Read) PollJobHeldAfterItsRead(long sourceId)
        {
            var (store, read) = HeldReadStore.Wrapping(app.Get<IFeedStore>(), sourceId);
            var poller = ActivatorUtilities.CreateInstance<SourcePoller>(app.Services, store);
            return (ActivatorUtilities.CreateInstance<PollJob>(app.Services, poller, store), read);
        }

        /// <summary>FeedHub without its worker (nothing fires), its catalog writing to the queue through the gate.</summary>
        public static async Task<Context> StartAsync(string store)
        {
            var database = store == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
            string[] settings = database is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"];
            var app = await TestApp.StartAsync(null, allowPrivateNetworks: true, worker: false,
                replace: services => services.AddSingleton<IPollScheduler>(provider => new GatedPollScheduler(provider.GetRequiredService<SourceScheduler>())),
                settings);
            return new Context(app, database, await app.Get<ISchedulerFactory>().GetScheduler());
        }

        /// <summary>A source in <paramref name="state"/>, queued when active, due tomorrow (so that nothing would poll it).</summary>
        public async Task<long> SourceAsync(SourceState state)
        {
            var tomorrow = DateTimeOffset.UtcNow.AddDays(1);
            var source = await app.Get<IFeedStore>().AddSourceAsync(new Source
            {
                FeedUrl = $"http://127.0.0.1:9/{Guid.NewGuid():N}.xml",
                CreatedAt = DateTimeOffset.UtcNow,
                State = state,
                Fetch = new FetchState { NextPollAt = state == SourceState.Active ? tomorrow : null },
            }, default);
            if (state == SourceState.Active)
            {
                await app.Get<SourceScheduler>().ScheduleAsync(source.Id, tomorrow, default);
            }

            return source.Id;
        }

        /// <summary>The store holds the source in <paramref name="state"/> (null: removed), and the queue polls it exactly when that is active.</summary>
        public async Task AssertInStepAsync(long id, SourceState? state)
        {
            var stored = await app.Get<IFeedStore>().GetSourceAsync(id, default);
            Assert.Equal(state, stored?.State);
            var trigger = await scheduler.GetTrigger(SourceScheduler.TriggerKeyOf(id));
            if (state == SourceState.Active)
            {
                Assert.True(trigger is not null, $"source {id} is active with no poll queued: it would never be polled again");
                Assert.Equal(stored!.Fetch.NextPollAt!.Value, trigger.NextFireTimeUtc.GetValueOrDefault(), TimeSpan.FromSeconds(3));
            }
            else
            {
                Assert.True(trigger is null, $"source {id} is {state?.ToString() ?? "removed"} and still queued for {trigger?.NextFireTimeUtc:O}");
                Assert.False(await scheduler.Exists(SourceScheduler.JobKeyOf(id)), $"source {id} is {state?.ToString() ?? "removed"} and its poll job is still stored");
            }
        }

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
