using System.Net;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using FeedHub.Core.Parser;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>What subscribers rely on: paging that reaches everything once, a valid digest feed, and ETags that move with the store.</summary>
public sealed class SubscriberFeedTests
{
    [Theory]
    [InlineData("feed.atom")]
    [InlineData("feed.rss")]
    [InlineData("feed.json")]
    public async Task Walking_next_links_from_the_first_page_reaches_every_article_exactly_once(string path)
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Paged Blog", "Tech");
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 137; i++)
        {
            // Every third article shares its date with the one before: paging must not skip or repeat ties.
            await StoreSeeder.ArticleAsync(store, source, $"Post {i:000}", start.AddHours(-(i - (i % 3 == 2 ? 1 : 0))));
        }

        var seen = new List<string>();
        var next = new Uri(app.BaseUri, path);
        var pages = 0;
        while (next is not null && pages++ < 10)
        {
            var body = await app.Http.GetByteArrayAsync(next);
            var (titles, nextUrl) = Read(path, body);
            seen.AddRange(titles);
            next = nextUrl;
        }

        Assert.Equal(3, pages);
        Assert.Equal(137, seen.Count);
        Assert.Equal(137, seen.Distinct().Count());
    }

    [Fact]
    public async Task The_digest_feed_has_one_valid_entry_per_finished_day()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = app.Get<IFeedStore>();
        var digest = app.Get<Digest>();
        var source = await StoreSeeder.SourceAsync(store, "Daily Blog", "Tech");
        for (var day = 1; day <= 3; day++)
        {
            var (dayStart, _) = digest.Bounds(digest.Today.AddDays(-day));
            await StoreSeeder.ArticleAsync(store, source, $"Morning post {day}", dayStart.AddHours(9));
            await StoreSeeder.ArticleAsync(store, source, $"Evening post {day}", dayStart.AddHours(19));
        }

        foreach (var path in new[] { "digest.atom", "digest.rss" })
        {
            var body = await app.Http.GetByteArrayAsync(path);
            using var xml = XmlReader.Create(new MemoryStream(body));
            var syndication = SyndicationFeed.Load(xml);
            Assert.Equal(3, syndication.Items.Count());
            var parsed = new FeedReader().Read(body);
            Assert.Null(parsed.Error);
            Assert.Contains("Morning post 1", parsed.Items[0].Content ?? parsed.Items[0].Summary, StringComparison.Ordinal);
            Assert.Contains("Evening post 1", parsed.Items[0].Content ?? parsed.Items[0].Summary, StringComparison.Ordinal);
        }

        using var json = JsonDocument.Parse(await app.Http.GetStringAsync("digest.json"));
        Assert.Equal("https://jsonfeed.org/version/1.1", json.RootElement.GetProperty("version").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, item =>
        {
            Assert.False(string.IsNullOrEmpty(item.GetProperty("id").GetString()));
            Assert.Contains("post", item.GetProperty("content_html").GetString(), StringComparison.Ordinal);
        });
        Assert.EndsWith($"/digest/{digest.Today.AddDays(-1):yyyy-MM-dd}", items[0].GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A new post on a day the digest feed shows renders that day again and puts it among the days kept compressed:
    /// the feed, in each format, is then byte for byte the one a node that kept nothing writes (the same store,
    /// restarted), and the posts' titles, markup characters among them, read back as they were written.
    /// </summary>
    [Fact]
    public async Task After_a_new_post_the_digest_feed_is_the_one_a_restarted_node_writes()
    {
        // The public address fixed: the restarted node listens on another port.
        string[] settings = [TestApp.MiddayDigestZone(), "--FeedHub:Site:BaseUrl=https://planet.example/"];
        string[] paths = ["digest.atom", "digest.rss", "digest.json"];
        var app = await TestApp.StartAsync(worker: false, settings: settings);
        var written = new Dictionary<string, byte[]>();
        try
        {
            var store = app.Get<IFeedStore>();
            var digest = app.Get<Digest>();
            var source = await StoreSeeder.SourceAsync(store, "Daily <Blog> & Co", "Tech");
            for (var day = 1; day <= 3; day++)
            {
                var (dayStart, _) = digest.Bounds(digest.Today.AddDays(-day));
                await StoreSeeder.ArticleAsync(store, source, $"Tom & Jerry <{day}> \"quoted\"", dayStart.AddHours(9));
                await StoreSeeder.ArticleAsync(store, source, $"Evening post {day}", dayStart.AddHours(19));
            }

            foreach (var path in paths)
            {
                await app.Http.GetByteArrayAsync(path);
            }

            var (secondDay, _) = digest.Bounds(digest.Today.AddDays(-2));
            await StoreSeeder.ArticleAsync(store, source, "Late <b>post</b> & more", secondDay.AddHours(21));
            foreach (var path in paths)
            {
                written[path] = await app.Http.GetByteArrayAsync(path);
            }
        }
        finally
        {
            await app.DisposeAsync();
        }

        await using var restarted = await TestApp.StartAsync(app.DataDirectory, worker: false, settings: settings);
        foreach (var path in paths)
        {
            Assert.Equal(written[path], await restarted.Http.GetByteArrayAsync(path));
        }

        using var xml = XmlReader.Create(new MemoryStream(written["digest.atom"]));
        var items = SyndicationFeed.Load(xml).Items.ToList();
        Assert.Equal(3, items.Count);
        var secondDayContent = Assert.IsType<TextSyndicationContent>(items[1].Content).Text;
        Assert.Contains("Late &lt;b&gt;post&lt;/b&gt; &amp; more", secondDayContent, StringComparison.Ordinal);
        Assert.Contains("Tom &amp; Jerry &lt;2&gt; &quot;quoted&quot;", secondDayContent, StringComparison.Ordinal);
        Assert.Contains("Daily &lt;Blog&gt; &amp; Co", secondDayContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_etag_moves_when_a_new_article_arrives()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Moving Blog");
        await StoreSeeder.ArticleAsync(store, source, "First", DateTimeOffset.UtcNow.AddHours(-1));
        var before = (await app.Http.GetAsync("/feed.atom")).Headers.ETag!;

        await StoreSeeder.ArticleAsync(store, source, "Second", DateTimeOffset.UtcNow);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/feed.atom");
        conditional.Headers.IfNoneMatch.Add(before);
        var after = await app.Http.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before, after.Headers.ETag);
        Assert.Contains("Second", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static (IEnumerable<string> Titles, Uri? Next) Read(string path, byte[] body)
    {
        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            using var json = JsonDocument.Parse(body);
            var titles = json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList();
            return (titles, json.RootElement.TryGetProperty("next_url", out var next) ? new Uri(next.GetString()!) : null);
        }

        using var xml = XmlReader.Create(new MemoryStream(body));
        var feed = SyndicationFeed.Load(xml);
        var nextLink = feed.Links.FirstOrDefault(l => l.RelationshipType == "next");
        return (feed.Items.Select(i => i.Title.Text).ToList(), nextLink?.Uri);
    }
}
