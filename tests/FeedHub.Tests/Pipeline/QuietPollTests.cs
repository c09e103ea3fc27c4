using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// Polls answered 304 that change only counters, times and the next poll are saved together a moment later
/// (<see cref="QuietPollSaves"/>, whose clock the tests move); every other poll is saved at once.
/// </summary>
public sealed class QuietPollTests
{
    [Fact]
    public async Task Quiet_polls_are_saved_together_after_the_delay_and_the_next_poll_starts_from_the_last_one()
    {
        await using var blog = new VersionedBlog();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock);
        var (poller, store, id) = await AddAsync(app, blog);

        Assert.Equal(PollOutcome.Updated, (await poller.PollAsync(id, default)).Outcome);
        Assert.Equal(PollOutcome.NotModified, (await poller.PollAsync(id, default)).Outcome);
        Assert.Equal(PollOutcome.NotModified, (await poller.PollAsync(id, default)).Outcome);
        var beforeDelay = (await store.GetSourceAsync(id, default))!.Fetch;

        clock.Advance(QuietPollSaves.Delay);
        var saved = (await TestApp.EventuallyAsync(() => store.GetSourceAsync(id, default), s => s!.Fetch.PollCount > 1))!.Fetch;

        Assert.Equal((1L, 0L), (beforeDelay.PollCount, beforeDelay.NotModifiedCount));
        Assert.Equal((3L, 2L, "\"v1\"", 304), (saved.PollCount, saved.NotModifiedCount, saved.ETag, saved.LastStatusCode));
        Assert.Equal(["\"v1\"", "\"v1\""], blog.ValidatorsSent.TakeLast(2));
    }

    [Fact]
    public async Task A_poll_that_changes_more_than_counters_is_saved_at_once_and_a_quiet_state_before_it_never_lands_on_it()
    {
        await using var blog = new VersionedBlog();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock);
        var (poller, store, id) = await AddAsync(app, blog);
        await poller.PollAsync(id, default);
        await poller.PollAsync(id, default); // quiet: waits

        blog.Fail = true;
        var failed = await poller.PollAsync(id, default);
        var afterFailure = (await store.GetSourceAsync(id, default))!.Fetch;
        blog.Fail = false;
        var recovered = await poller.PollAsync(id, default); // a 304, but the end of a failure
        var afterRecovery = (await store.GetSourceAsync(id, default))!.Fetch;
        blog.Version = 2;
        var changed = await poller.PollAsync(id, default);
        var afterChange = (await store.GetSourceAsync(id, default))!.Fetch;
        await app.Get<QuietPollSaves>().FlushAsync(default);
        var flushed = (await store.GetSourceAsync(id, default))!.Fetch;

        Assert.Equal((PollOutcome.Failed, PollOutcome.NotModified, PollOutcome.Updated), (failed.Outcome, recovered.Outcome, changed.Outcome));
        Assert.Equal((3L, 1L, 1), (afterFailure.PollCount, afterFailure.NotModifiedCount, afterFailure.ConsecutiveFailures));
        Assert.Equal((4L, 2L, 0, null), (afterRecovery.PollCount, afterRecovery.NotModifiedCount, afterRecovery.ConsecutiveFailures, afterRecovery.LastError));
        Assert.Equal((5L, "\"v2\""), (afterChange.PollCount, afterChange.ETag));
        Assert.Equal((5L, "\"v2\"", 200), (flushed.PollCount, flushed.ETag, flushed.LastStatusCode));
    }

    [Fact]
    public async Task A_quiet_poll_ends_while_every_ingest_turn_is_taken_and_a_failed_one_once_a_turn_is_free()
    {
        await using var blog = new VersionedBlog();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var gate = new IngestGate(1);
        await using var app = await StartAsync(clock, services => services.AddSingleton(gate));
        var (poller, store, id) = await AddAsync(app, blog);
        await poller.PollAsync(id, default);

        var held = await gate.EnterAsync(default);
        var quiet = await poller.PollAsync(id, default).WaitAsync(TimeSpan.FromSeconds(30));
        blog.Fail = true;
        var failing = poller.PollAsync(id, default);
        held.Dispose();
        var failed = await failing.WaitAsync(TimeSpan.FromSeconds(30));
        var saved = (await store.GetSourceAsync(id, default))!.Fetch;

        Assert.Equal((PollOutcome.NotModified, PollOutcome.Failed), (quiet.Outcome, failed.Outcome));
        Assert.Equal((3L, 1), (saved.PollCount, saved.ConsecutiveFailures));
    }

    private static Task<TestApp> StartAsync(FakeTimeProvider clock, Action<IServiceCollection>? alsoReplace = null)
        => TestApp.StartAsync(null, allowPrivateNetworks: true, worker: false,
            replace: services =>
            {
                services.AddSingleton(provider => ActivatorUtilities.CreateInstance<QuietPollSaves>(provider, (TimeProvider)clock));
                alsoReplace?.Invoke(services);
            });

    private static async Task<(SourcePoller Poller, IFeedStore Store, long SourceId)> AddAsync(TestApp app, VersionedBlog blog)
    {
        var added = await app.Get<SourceCatalog>().AddAsync(blog.FeedUrl, SourceSettings.None, default);
        return (app.Get<SourcePoller>(), app.Get<IFeedStore>(), added.Source!.Id);
    }

    /// <summary>A feed whose ETag is its version: answered 304 to the current one, 500 while it fails.</summary>
    private sealed class VersionedBlog : IAsyncDisposable
    {
        private readonly LocalHttpServer _server;

        public VersionedBlog()
            => _server = LocalHttpServer.Serving(request =>
            {
                lock (ValidatorsSent)
                {
                    ValidatorsSent.Add(request.Header("If-None-Match"));
                }

                var etag = $"\"v{Version}\"";
                return Fail ? HttpReply.Text(500, "down", "text/plain")
                    : request.Header("If-None-Match") == etag ? new HttpReply(304, [], [("ETag", etag)])
                    : HttpReply.Text(200, FeedFixtures.Rss("Quiet Blog", [1, 2]), "application/rss+xml", ("ETag", etag));
            });

        public int Version { get; set; } = 1;

        public bool Fail { get; set; }

        public List<string?> ValidatorsSent { get; } = [];

        public string FeedUrl => _server.Url("feed").AbsoluteUri;

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
