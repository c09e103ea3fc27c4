using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>What polling records when servers move, retire or throttle a feed.</summary>
public sealed class FetchStateTests
{
    [Fact]
    public async Task A_consistent_permanent_redirect_moves_the_source_and_a_temporary_one_never_does()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path switch
        {
            "/old" => HttpReply.Redirect(301, "/new"),
            "/sometimes" => HttpReply.Redirect(302, "/new"),
            // A blog that moved for good to an address that hands readers on to a CDN for now.
            "/renamed" => HttpReply.Redirect(301, "/front"),
            "/front" => HttpReply.Redirect(302, "/new"),
            "/new" => HttpReply.Text(200, FeedFixtures.Rss("Moved", [1]), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var moved = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("old").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var temporary = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("sometimes").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var chained = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("renamed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var poller = app.Get<SourcePoller>();

        for (var poll = 1; poll <= 3; poll++)
        {
            await poller.PollAsync(moved.Id, default);
            await poller.PollAsync(temporary.Id, default);
            await poller.PollAsync(chained.Id, default);
            var afterPoll = await store.GetSourceAsync(moved.Id, default);
            Assert.Equal(poll < 3 ? blog.Url("old").AbsoluteUri : blog.Url("new").AbsoluteUri, afterPoll!.FeedUrl);
            Assert.Equal(poll < 3 ? blog.Url("renamed").AbsoluteUri : blog.Url("front").AbsoluteUri, (await store.GetSourceAsync(chained.Id, default))!.FeedUrl);
        }

        for (var poll = 1; poll <= 3; poll++)
        {
            await poller.PollAsync(chained.Id, default);
        }

        // At its new address the feed is still only lent to the CDN: the source stays there.
        Assert.Equal(blog.Url("front").AbsoluteUri, (await store.GetSourceAsync(chained.Id, default))!.FeedUrl);
        Assert.Equal(1, await store.CountArticlesAsync(chained.Id, default));

        var movedSource = await store.GetSourceAsync(moved.Id, default);
        Assert.Equal(blog.Url("old").AbsoluteUri, movedSource!.Fetch.MovedFrom);
        Assert.NotNull(movedSource.Fetch.MovedAt);
        Assert.Equal(1, await store.CountArticlesAsync(moved.Id, default));
        Assert.Equal(blog.Url("sometimes").AbsoluteUri, (await store.GetSourceAsync(temporary.Id, default))!.FeedUrl);
    }

    [Fact]
    public async Task Gone_retires_the_source_and_rate_limits_are_honoured_with_backoff()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path == "/gone"
            ? HttpReply.Text(410, "gone")
            : HttpReply.Text(429, "slow down", "text/plain", ("Retry-After", "7200")));
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var gone = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("gone").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var busy = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("busy").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var poller = app.Get<SourcePoller>();

        await poller.PollAsync(gone.Id, default);
        var before = DateTimeOffset.UtcNow;
        await poller.PollAsync(busy.Id, default);

        var retired = await store.GetSourceAsync(gone.Id, default);
        Assert.Equal(SourceState.Retired, retired!.State);
        Assert.Contains("gone for good (410 Gone)", retired.Fetch.LastError, StringComparison.Ordinal);
        Assert.Null(retired.Fetch.NextPollAt);
        Assert.Equal(PollOutcome.Skipped, (await poller.PollAsync(gone.Id, default)).Outcome);
        var throttled = await store.GetSourceAsync(busy.Id, default);
        Assert.Equal(FetchErrorKind.RateLimited, throttled!.Fetch.LastErrorKind);
        Assert.True(throttled.Fetch.NextPollAt >= before.AddHours(2), "the next poll waits at least as long as the server asked");
    }

    [Fact]
    public async Task Failures_back_off_exponentially_up_to_the_ceiling()
    {
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(500, "down"));
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var poller = app.Get<SourcePoller>();

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            var polledAt = DateTimeOffset.UtcNow;
            var report = await poller.PollAsync(source.Id, default);
            waits.Add(report.NextPollAt!.Value - polledAt);
        }

        // 5, 10, 20 minutes…, each moved to the source's slot: never sooner than 90% of the backoff, less than two backoffs.
        foreach (var (wait, backoff) in waits.Zip(Enumerable.Range(0, 6).Select(n => TimeSpan.FromMinutes(5 << n))))
        {
            Assert.InRange(wait, backoff * 0.9, backoff * 1.9);
        }

        Assert.All(waits, w => Assert.True(w <= TimeSpan.FromHours(24) * 1.9));
        Assert.InRange(waits[^1], TimeSpan.FromHours(21.6), TimeSpan.FromHours(45.6));
        Assert.Equal(12, (await store.GetSourceAsync(source.Id, default))!.Fetch.ConsecutiveFailures);
    }
}
