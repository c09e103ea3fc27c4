using System.Text.RegularExpressions;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// No post lost: a real blog whose posts differ only by <c>#anchor</c> (Scripting News) and a blog with a planet that
/// syndicates it, served over HTTP and polled by FeedHub. Every post is in the reading list and in every feed walk
/// exactly once, pages hold exactly their size, and a syndicated story appears once, credited to both sources.
/// </summary>
public sealed class StoryIdentityTests
{
    private const int ScriptingPosts = 48; // 50 items, two of them repeated (same guid)
    private const int Stories = ScriptingPosts + 4; // + Ada's 3 posts + Babbage's post on the planet

    [Fact]
    public async Task Every_post_is_in_the_river_and_every_feed_walk_exactly_once_and_syndicated_stories_once_credited_to_both()
    {
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "feeds");
        await using var server = LocalHttpServer.Serving(request => request.Path switch
        {
            "/scripting.rss" => HttpReply.Bytes(200, File.ReadAllBytes(Path.Combine(fixtures, "scriptingNews.rss")), "application/rss+xml"),
            "/ada.atom" => HttpReply.Bytes(200, File.ReadAllBytes(Path.Combine(fixtures, "syndication-origin.atom")), "application/atom+xml"),
            "/planet.rss" => HttpReply.Bytes(200, File.ReadAllBytes(Path.Combine(fixtures, "syndication-planet.rss")), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var sources = new Dictionary<string, Source>();
        foreach (var path in new[] { "scripting.rss", "ada.atom", "planet.rss" })
        {
            var source = await store.AddSourceAsync(new Source { FeedUrl = server.Url(path).AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
            var report = await app.Get<SourcePoller>().PollAsync(source.Id, default);
            Assert.Null(report.Error);
            sources[path] = (await store.GetSourceAsync(source.Id, default))!;
        }

        var scripting = sources["scripting.rss"];
        var scriptingLinks = Regex.Matches(await File.ReadAllTextAsync(Path.Combine(fixtures, "scriptingNews.rss")), "<link>(http://scripting.com/[^<]+)</link>", RegexOptions.NonBacktracking)
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(ScriptingPosts, scriptingLinks.Count);
        Assert.Equal(ScriptingPosts, await store.CountArticlesAsync(scripting.Id, default));

        // The reading list: 30 stories a page, every one once; the source's own pages list all of its posts.
        var river = await FeedWalk.RiverAsync(app.Http, "/");
        Assert.Equal([30, Stories - 30], river.Select(p => p.Count));
        Assert.Equal(Stories, river.SelectMany(p => p).Distinct().Count());
        var sourcePages = await FeedWalk.RiverAsync(app.Http, $"/?source={scripting.Id}");
        Assert.Equal([30, ScriptingPosts - 30], sourcePages.Select(p => p.Count));
        Assert.Equal(ScriptingPosts, sourcePages.SelectMany(p => p).Distinct().Count());
        var planetPage = Assert.Single(await FeedWalk.RiverAsync(app.Http, $"/?source={sources["planet.rss"].Id}"));
        Assert.Equal(3, planetPage.Count);

        foreach (var feed in new[] { "feed.atom", "feed.rss", "feed.json" })
        {
            var pages = await FeedWalk.FeedAsync(app.Http, feed);
            var entries = pages.SelectMany(p => p).ToList();
            Assert.Equal([50, Stories - 50], pages.Select(p => p.Count));
            Assert.Equal(Stories, entries.Select(e => e.Id).Distinct().Count());
            Assert.All(scriptingLinks, link => Assert.Single(entries, e => e.Link == link));
            var engine = Assert.Single(entries, e => e.Title.Contains("analytical engine", StringComparison.Ordinal));
            Assert.Equal("https://ada.example/2017/06/engine/", engine.Link);
            Assert.Single(entries, e => e.Title.Contains("Comments are open", StringComparison.Ordinal));
            if (feed == "feed.json")
            {
                Assert.Equal(["Ada's notebook", "Planet Engines"], engine.Sources);
            }

            var sourceEntries = (await FeedWalk.FeedAsync(app.Http, $"{feed}?source={scripting.Id}")).SelectMany(p => p).ToList();
            Assert.Equal(ScriptingPosts, sourceEntries.Select(e => e.Link).Distinct().Count());
            Assert.Equal(ScriptingPosts, sourceEntries.Count);
        }

        var firstPage = await app.Http.GetStringAsync("/");
        Assert.Single(Regex.Matches(await app.Http.GetStringAsync("/?before=" + Uri.EscapeDataString(Regex.Match(firstPage, "before=([0-9-]+)", RegexOptions.NonBacktracking).Groups[1].Value)) + firstPage, "Shipping the analytical engine</a>", RegexOptions.NonBacktracking));
        Assert.Contains("Also on", firstPage + await app.Http.GetStringAsync(System.Net.WebUtility.HtmlDecode(Regex.Match(firstPage, "<a href=\"([^\"]+)\" rel=\"next\"", RegexOptions.NonBacktracking).Groups[1].Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_known_by_a_redirecting_link_joins_the_original_story_once_its_page_names_its_canonical_url()
    {
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "feeds");
        await using var server = LocalHttpServer.Serving(request => request.Path switch
        {
            "/ada.atom" => HttpReply.Bytes(200, File.ReadAllBytes(Path.Combine(fixtures, "syndication-origin.atom")), "application/atom+xml"),
            "/links.rss" => HttpReply.Text(200, $"""
                <?xml version="1.0"?><rss version="2.0"><channel><title>Link roundup</title><link>http://{request.Header("Host")}/</link>
                <item><title>Note G, explained</title><link>http://{request.Header("Host")}/go/7</link><guid isPermaLink="false">roundup-7</guid>
                <pubDate>Sun, 25 Jun 2017 10:00:00 GMT</pubDate><description>Read more…</description></item></channel></rss>
                """, "application/rss+xml"),
            "/go/7" => HttpReply.Text(200, """
                <!DOCTYPE html><html><head><title>Notes on note G</title><link rel="canonical" href="https://ada.example/2017/06/note-g/"></head>
                <body><article><h1>Notes on note G</h1><p>Bernoulli numbers, step by step.</p></article></body></html>
                """, "text/html; charset=utf-8"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var ada = await store.AddSourceAsync(new Source { FeedUrl = server.Url("ada.atom").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        await app.Get<SourcePoller>().PollAsync(ada.Id, default);
        var links = await store.AddSourceAsync(new Source { FeedUrl = server.Url("links.rss").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        await app.Get<SourcePoller>().PollAsync(links.Id, default);
        var roundup = Assert.Single(await store.ListArticlesAsync(new ArticleQuery { SourceIds = [links.Id] }, default));
        Assert.Equal(4, (await FeedWalk.FeedAsync(app.Http, "feed.json")).SelectMany(p => p).Count());

        await app.Get<Core.Ingest.FullTextFetcher>().CompleteAsync([roundup.Id], default);

        var entries = (await FeedWalk.FeedAsync(app.Http, "feed.json")).SelectMany(p => p).ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal(["Ada's notebook", "Link roundup"], Assert.Single(entries, e => e.Link == "https://ada.example/2017/06/note-g/").Sources);
        Assert.Single((await FeedWalk.FeedAsync(app.Http, $"feed.json?source={links.Id}")).SelectMany(p => p));
    }

    [Fact]
    public async Task A_category_shows_a_story_told_by_two_of_its_sources_once_and_one_told_elsewhere_too()
    {
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "feeds");
        await using var server = LocalHttpServer.Serving(request => request.Path switch
        {
            "/ada.atom" => HttpReply.Bytes(200, File.ReadAllBytes(Path.Combine(fixtures, "syndication-origin.atom")), "application/atom+xml"),
            "/planet.rss" => HttpReply.Bytes(200, File.ReadAllBytes(Path.Combine(fixtures, "syndication-planet.rss")), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        foreach (var (path, category) in new[] { ("ada.atom", "Blogs"), ("planet.rss", "Planets") })
        {
            var source = await store.AddSourceAsync(new Source { FeedUrl = server.Url(path).AbsoluteUri, Categories = [category, "Engines"], CreatedAt = DateTimeOffset.UtcNow }, default);
            await app.Get<SourcePoller>().PollAsync(source.Id, default);
        }

        var engines = (await FeedWalk.FeedAsync(app.Http, "feed.json?category=Engines")).SelectMany(p => p).ToList();
        var planets = (await FeedWalk.FeedAsync(app.Http, "feed.json?category=Planets")).SelectMany(p => p).ToList();

        Assert.Equal(4, engines.Count);
        Assert.Equal(3, planets.Count);
        Assert.Equal(["Planet Engines", "Ada's notebook"], Assert.Single(planets, e => e.Title.Contains("analytical engine", StringComparison.Ordinal)).Sources);
    }
}
