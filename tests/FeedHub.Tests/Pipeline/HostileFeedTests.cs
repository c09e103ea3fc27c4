using System.Text;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>Feeds built to stall, balloon or smuggle links, polled from a real HTTP server into a real store.</summary>
public sealed class HostileFeedTests
{
    [Fact]
    public async Task A_document_over_its_parse_budget_fails_its_poll_as_a_parse_error_the_health_explains()
    {
        var items = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"<item><title>Post {i}</title><description>{new string('x', 200)}</description></item>"));
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, $"<rss version=\"2.0\"><channel><title>Slow</title>{items}</channel></rss>", "application/rss+xml"));
        await using var app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Parser:TimeBudget=00:00:00.001");
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);

        var report = await app.Get<SourcePoller>().PollAsync(source.Id, default);
        var polled = await store.GetSourceAsync(source.Id, default);
        var health = await app.Get<SourceHealthReport>().OfAsync(polled!, default);

        Assert.Equal(PollOutcome.Failed, report.Outcome);
        Assert.Equal(FetchErrorKind.Parse, polled!.Fetch.LastErrorKind);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("refused: the document needed more than 0 s of processor time to parse (FeedHub:Parser:TimeBudget)", health.Summary, StringComparison.Ordinal);
        Assert.Equal(0, await store.CountArticlesAsync(source.Id, default));
    }

    [Fact]
    public async Task Javascript_links_are_never_stored_and_the_parse_warning_counts_them()
    {
        const string rss = """
            <rss version="2.0"><channel><title>Sly</title><link>javascript:alert(document.cookie)</link>
            <item><title>One</title><link>javascript:alert(1)</link><description>first</description></item>
            <item><title>Two</title><link>https://sly.example/two</link><enclosure type="image/png" url="javascript:alert(2)"/><description>second</description></item>
            </channel></rss>
            """;
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, rss, "application/rss+xml"));
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        // Stored before links were checked: the next poll must drop it.
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("feed").AbsoluteUri, SiteUrl = "javascript:alert('old')", CreatedAt = DateTimeOffset.UtcNow }, default);

        await app.Get<SourcePoller>().PollAsync(source.Id, default);
        var polled = await store.GetSourceAsync(source.Id, default);
        var articles = await store.ListArticlesAsync(new ArticleQuery { SourceIds = [source.Id], Limit = 10 }, default);
        var opml = await app.Http.GetStringAsync("/sources.opml");
        var atom = await app.Http.GetStringAsync("/feed.atom");

        Assert.Null(polled!.SiteUrl);
        Assert.Equal("dropped 3 links that are not http(s) (javascript:, data: and the like)", polled.Fetch.ParseWarning);
        Assert.Equal(2, articles.Count);
        Assert.All(articles, article => Assert.DoesNotContain("javascript", (article.Link ?? string.Empty) + article.ImageUrl, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("javascript", opml, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript", atom, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Articles_over_the_per_poll_cap_arrive_with_the_next_polls_newest_first()
    {
        var items = string.Concat(Enumerable.Range(1, 5).Select(day => $"<item><guid>post-{day}</guid><title>Day {day}</title><pubDate>{new DateTimeOffset(2025, 1, day, 12, 0, 0, TimeSpan.Zero):R}</pubDate></item>"));
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, $"<rss version=\"2.0\"><channel><title>Busy</title>{items}</channel></rss>", "application/rss+xml", ("ETag", "\"same\"")));
        await using var app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Polling:MaxArticlesPerPoll=2");
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var poller = app.Get<SourcePoller>();

        var first = await poller.PollAsync(source.Id, default);
        var afterFirst = await store.GetSourceAsync(source.Id, default);
        var stored = await store.ListArticlesAsync(new ArticleQuery { SourceIds = [source.Id], Limit = 10 }, default);

        Assert.Equal(2, first.Added);
        Assert.Equal(["Day 5", "Day 4"], stored.Select(article => article.Title));
        Assert.Equal("stored the newest 2 of 5 new articles (FeedHub:Polling:MaxArticlesPerPoll); the rest come with the next polls", afterFirst!.Fetch.ParseWarning);
        Assert.Null(afterFirst.Fetch.ETag);

        Assert.Equal(2, (await poller.PollAsync(source.Id, default)).Added);
        Assert.Equal(1, (await poller.PollAsync(source.Id, default)).Added);
        var done = await store.GetSourceAsync(source.Id, default);
        Assert.Equal(5, await store.CountArticlesAsync(source.Id, default));
        Assert.Null(done!.Fetch.ParseWarning);
        Assert.Equal("\"same\"", done.Fetch.ETag);
    }
}
