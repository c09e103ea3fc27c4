using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FeedHub.Tests.Pipeline;

/// <summary>How often a feed is read when it stopped posting, or when its publisher asks, whatever its server answers.</summary>
public sealed class SilentFeedScheduleTests
{
    [Fact]
    public async Task A_feed_silent_for_two_months_is_read_six_times_less_often_also_when_its_server_answers_304()
    {
        const string etag = "\"v1\"";
        // Its two posts are 60 and 61 days old; the server validates, as most do.
        await using var blog = LocalHttpServer.Serving(request => request.Header("If-None-Match") == etag
            ? new HttpReply(304, [], [("ETag", etag)])
            : HttpReply.Text(200, FeedFixtures.Rss("Silent Blog", [60 * 24, 61 * 24]), "application/rss+xml", ("ETag", etag)));
        await using var app = await TestApp.StartAsync(worker: false);
        var source = await app.Get<IFeedStore>().AddSourceAsync(new Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var poller = app.Get<SourcePoller>();

        foreach (var expected in new[] { PollOutcome.Updated, PollOutcome.NotModified, PollOutcome.NotModified })
        {
            var polledAt = DateTimeOffset.UtcNow;
            var report = await poller.PollAsync(source.Id, default);

            Assert.Equal(expected, report.Outcome);
            // Six hours from the default of one: the slot nearest to that, at least half of it away (one hour: at most 1.5).
            Assert.InRange(report.NextPollAt!.Value - polledAt, TimeSpan.FromHours(3), TimeSpan.FromHours(9.1));
        }
    }

    [Fact]
    public async Task A_feed_whose_publisher_asks_for_six_hours_is_read_every_six_hours_also_when_its_server_answers_304()
    {
        const string etag = "\"v1\"";
        await using var blog = await KestrelSite.StartAsync(app => app.MapGet("/feed", (HttpRequest request, HttpResponse response) =>
        {
            response.Headers.ETag = etag;
            return request.Headers.IfNoneMatch == etag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Text(FeedFixtures.Rss("Six-hourly Blog", [1, 2, 3], "<ttl>360</ttl>"), "application/rss+xml");
        }));
        await using var app = await TestApp.StartAsync(worker: false);
        var source = await app.Get<IFeedStore>().AddSourceAsync(new Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var poller = app.Get<SourcePoller>();

        foreach (var expected in new[] { PollOutcome.Updated, PollOutcome.NotModified, PollOutcome.NotModified })
        {
            var polledAt = DateTimeOffset.UtcNow;
            var report = await poller.PollAsync(source.Id, default);

            Assert.Equal(expected, report.Outcome);
            // Its posts are hourly (the default of one hour); the publisher asks for six: its slot nearest to six hours
            // away, never sooner than 90% of that (the slot after, up to 1.9 intervals away, when the nearest is sooner).
            Assert.InRange(report.NextPollAt!.Value - polledAt, TimeSpan.FromHours(6 * 0.9), TimeSpan.FromHours(6 * 1.9));
        }
    }
}
