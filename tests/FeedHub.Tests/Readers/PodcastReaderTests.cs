using System.Net.Http.Headers;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Readers;

/// <summary>
/// A podcast's episodes travel through FeedHub: a real podcast feed served on 127.0.0.1, polled, and read back by
/// newsboat (whose podboat downloads what it keeps), Universal Feed Parser and feedsmith from the merged feeds, each
/// finding every episode's audio; the article page plays it, the reading list links to it, the API gives it.
/// </summary>
public sealed class PodcastReaderTests
{
    private static readonly (string Url, string Type, long Length, int Seconds)[] Episodes =
    [
        ("http://example.com/podcasts/everything/AllAboutEverythingEpisode1.mp3", "audio/mpeg", 4989537, 239),
        ("http://example.com/podcasts/everything/AllAboutEverythingEpisode2.mp3", "audio/mpeg", 5650889, 274),
        ("http://example.com/podcasts/everything/AllAboutEverythingEpisode3.m4a", "audio/x-m4a", 8727310, 424),
    ];

    [Fact]
    public async Task A_podcasts_episodes_reach_feed_readers_pages_and_the_api_with_their_audio()
    {
        var readers = FeedReaders.Directory();
        var podcast = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "feeds", "feedjira__itunes.xml"));
        await using var show = LocalHttpServer.Serving(request => request.Path == "/podcast.xml" ? HttpReply.Text(200, podcast, "application/rss+xml") : null);
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = show.Url("podcast.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        Assert.Equal(3, (await app.Get<SourcePoller>().PollAsync(source.Id, default)).Added);
        string Url(string path) => new Uri(app.BaseUri, path).AbsoluteUri;

        foreach (var feed in new[] { "feed.rss", "feed.atom" })
        {
            // What FeedHub serves first, so that a reader's failure is told apart from FeedHub's.
            var served = await app.Http.GetStringAsync(feed);
            Assert.All(Episodes, e => Assert.Contains(e.Url, served, StringComparison.Ordinal));
            using var newsboat = new Newsboat(readers, Url(feed));
            var unread = await newsboat.ReloadAsync();
            Assert.True(unread == "3 unread articles", $"newsboat on {feed}: {unread}; FeedHub served: {served[..Math.Min(served.Length, 2000)]}");
            var items = await newsboat.ItemsAsync();
            Assert.Equal(Episodes.Select(e => (e.Url, e.Type)), items.Select(i => (i.EnclosureUrl!, i.EnclosureType!)).Order());
        }

        foreach (var feed in new[] { "feed.rss", "feed.atom" })
        {
            using var json = JsonDocument.Parse(await FeedReaders.RunAsync(FeedReaders.SystemPython, Path.Combine(readers, "feedparser-read.py"), Url(feed)));
            Assert.False(json.RootElement.GetProperty("bozo").GetBoolean(), $"feedparser found {feed} malformed");
            AssertEveryEpisode(feed, json.RootElement.GetProperty("entries"), length => length.GetString());
        }

        foreach (var feed in new[] { "feed.rss", "feed.atom", "feed.json" })
        {
            using var json = JsonDocument.Parse(await FeedReaders.RunAsync("node", Path.Combine(readers, "feedsmith-read.mjs"), Url(feed)));
            AssertEveryEpisode(feed, json.RootElement.GetProperty("entries"), length => length.ValueKind == JsonValueKind.Number ? length.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : length.GetString());
        }

        var articles = await store.ListArticlesAsync(new ArticleQuery { Limit = 10 }, default);
        var episode = Assert.Single(articles, a => a.Enclosures.Any(e => e.Url == Episodes[1].Url));
        var page = await app.Http.GetStringAsync($"/articles/{episode.Id}");
        Assert.Contains($"""<audio controls preload="none" src="{Episodes[1].Url}"></audio>""", page, StringComparison.Ordinal);
        Assert.Contains($"""<a href="{Episodes[1].Url}" type="audio/mpeg" rel="noopener noreferrer">Audio</a>""", page, StringComparison.Ordinal);
        Assert.DoesNotContain("autoplay", page, StringComparison.Ordinal);
        var river = await app.Http.GetStringAsync("/");
        Assert.All(Episodes, e => Assert.Contains($"""<a href="{e.Url}" type="{e.Type}" """, river, StringComparison.Ordinal));
        Assert.DoesNotContain("<audio", river, StringComparison.Ordinal);

        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", "correct horse battery", default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var api = JsonDocument.Parse(await app.Http.GetStringAsync($"/api/articles/{episode.Id}"));
        var enclosure = Assert.Single(api.RootElement.GetProperty("enclosures").EnumerateArray());
        Assert.Equal((Episodes[1].Url, Episodes[1].Type, Episodes[1].Length, Episodes[1].Seconds),
            (enclosure.GetProperty("url").GetString(), enclosure.GetProperty("mediaType").GetString(), enclosure.GetProperty("length").GetInt64(), enclosure.GetProperty("durationSeconds").GetInt32()));

        // The show moves an episode's file and nothing else: the next poll updates the article, and the feeds follow.
        var moved = Episodes[1].Url.Replace(".mp3", "-fixed.mp3", StringComparison.Ordinal);
        podcast = podcast.Replace(Episodes[1].Url, moved, StringComparison.Ordinal);
        var repoll = await app.Get<SourcePoller>().PollAsync(source.Id, default);
        Assert.Equal((0, 1), (repoll.Added, repoll.Updated));
        Assert.Equal(moved, Assert.Single((await store.GetArticleAsync(episode.Id, default))!.Enclosures).Url);
        Assert.Contains($"url=\"{moved}\"", await app.Http.GetStringAsync("/feed.rss"), StringComparison.Ordinal);
    }

    /// <summary>Each entry has exactly its episode's file, with its type and size.</summary>
    private static void AssertEveryEpisode(string feed, JsonElement entries, Func<JsonElement, string?> length)
    {
        var found = entries.EnumerateArray()
            .Select(entry => Assert.Single(entry.GetProperty("enclosures").EnumerateArray()))
            .Select(e => (e.GetProperty("url").GetString(), e.GetProperty("type").GetString(), length(e.GetProperty("length"))))
            .Order()
            .ToList();
        Assert.True(
            Episodes.Select(e => ((string?)e.Url, (string?)e.Type, (string?)e.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))).SequenceEqual(found),
            $"{feed}: {string.Join(", ", found)}");
    }
}
