using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Readers;

/// <summary>
/// Real feed readers subscribe to a running FeedHub: newsboat (Debian), Universal Feed Parser (Debian's
/// python3-feedparser) and feedsmith (npm, under tests/readers). Each sees every post once with its id, date, author
/// and content, twice in a row; then a new post reaches the source, FeedHub polls it, and each sees it exactly once.
/// tests/run.sh installs the three; a missing one fails the test with what to install.
/// </summary>
public sealed class FeedReaderTests
{
    private static readonly string[] NewsboatFeeds = ["feed.atom", "feed.rss", "digest.atom"];

    [Fact]
    public async Task Newsboat_feedparser_and_feedsmith_see_every_post_once_and_a_new_post_once()
    {
        var readers = FeedReaders.Directory();
        RequireTools(readers);

        var posts = new List<(string Title, string Author, DateTimeOffset Published)>();
        await using var blog = LocalHttpServer.Serving(request => request.Path == "/feed.xml" ? HttpReply.Text(200, Rss(posts), "application/rss+xml") : null);
        await using var app = await TestApp.StartAsync(worker: false, settings: [TestApp.MiddayDigestZone(), "--FeedHub:Site:BaseUrl=https://planet.example.org/"]);
        var digest = app.Get<Digest>();
        for (var day = 1; day <= 2; day++)
        {
            var (start, _) = digest.Bounds(digest.Today.AddDays(-day));
            for (var i = 0; i < 3; i++)
            {
                posts.Add(($"Day {day} post {i}", $"Writer {i}", start.AddHours(9 + (3 * i))));
            }
        }

        var source = await app.Get<IFeedStore>().AddSourceAsync(new Source { FeedUrl = blog.Url("feed.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        await app.Get<SourcePoller>().PollAsync(source.Id, default);

        // FeedHub is reached on its loopback port; its links say https://planet.example.org/ (a base URL is set).
        string Url(string path) => new Uri(app.BaseUri, path).AbsoluteUri;
        string[] merged = ["feed.atom", "feed.rss"];

        // One newsboat per feed: a newsboat user subscribed to the same feed in two formats sees each post once anyway,
        // since newsboat knows an article by its id across feeds.
        var newsboats = NewsboatFeeds.ToDictionary(feed => feed, feed => new Newsboat(readers, Url(feed)));
        using var cleanup = new Cleanup(newsboats.Values);
        foreach (var (feed, newsboat) in newsboats)
        {
            var expected = feed.StartsWith("digest", StringComparison.Ordinal) ? 2 : 6;
            Assert.Equal($"{expected} unread articles", await newsboat.ReloadAsync());
            Assert.Equal($"{expected} unread articles", await newsboat.ReloadAsync());
            var items = await newsboat.ItemsAsync();
            Assert.Equal(expected, items.Count);
            Assert.Equal(expected, items.Select(i => i.Guid).Distinct().Count());
            if (expected == 6)
            {
                Assert.Equal(posts.Select(p => p.Title).Order(), items.Select(i => i.Title).Order());
                Assert.All(items, i => Assert.Equal(posts.Single(p => p.Title == i.Title).Author, i.Author));
            }
        }

        var feedparser = new Dictionary<string, List<ReaderEntry>>();
        foreach (var feed in new[] { "feed.atom", "feed.rss", "digest.atom" })
        {
            feedparser[feed] = await FeedparserAsync(readers, Url(feed));
            Assert.Equal(feed.StartsWith("digest", StringComparison.Ordinal) ? 2 : 6, feedparser[feed].Count);
        }

        var feedsmith = new Dictionary<string, List<ReaderEntry>>();
        foreach (var feed in new[] { "feed.atom", "feed.rss", "feed.json", "digest.atom" })
        {
            feedsmith[feed] = await FeedsmithAsync(readers, Url(feed));
            Assert.Equal(feed.StartsWith("digest", StringComparison.Ordinal) ? 2 : 6, feedsmith[feed].Count);
        }

        foreach (var (feed, entries) in feedparser.Concat(feedsmith).Where(f => !f.Key.StartsWith("digest", StringComparison.Ordinal)))
        {
            Assert.Equal(posts.Select(p => p.Title).Order(), entries.Select(e => e.Title).Order());
            Assert.All(entries, e =>
            {
                Assert.StartsWith("tag:", e.Id, StringComparison.Ordinal);
                Assert.Equal(posts.Single(p => p.Title == e.Title).Author, e.Author);
                Assert.False(string.IsNullOrEmpty(e.Published), $"{feed}: no date on {e.Title}");
                Assert.Contains($"The text of {e.Title}.", e.Content, StringComparison.Ordinal);
            });
        }

        Assert.All(feedparser["digest.atom"].Concat(feedsmith["digest.atom"]), e => Assert.Contains("Writer", e.Content, StringComparison.Ordinal));

        // A new post reaches the blog; FeedHub polls it; every client sees it exactly once on its next refresh.
        posts.Add(("Fresh post", "Writer 9", DateTimeOffset.UtcNow.AddMinutes(-5)));
        var report = await app.Get<SourcePoller>().PollAsync(source.Id, default);
        Assert.Equal(1, report.Added);

        foreach (var (feed, newsboat) in newsboats)
        {
            var expected = feed.StartsWith("digest", StringComparison.Ordinal) ? 2 : 7;
            Assert.Equal($"{expected} unread articles", await newsboat.ReloadAsync());
            var items = await newsboat.ItemsAsync();
            Assert.Equal(expected, items.Count);
            Assert.Equal(expected, items.Select(i => i.Guid).Distinct().Count());
            if (expected == 7)
            {
                Assert.Equal("Writer 9", Assert.Single(items, i => i.Title == "Fresh post").Author);
            }
        }

        foreach (var (feed, before) in feedparser)
        {
            AssertSeesTheNewPostOnce(feed, before, await FeedparserAsync(readers, Url(feed)));
        }

        foreach (var (feed, before) in feedsmith)
        {
            AssertSeesTheNewPostOnce(feed, before, await FeedsmithAsync(readers, Url(feed)));
        }
    }

    /// <summary>The old entries keep their ids; a merged feed gains exactly the new post; the digest (finished days only) is unchanged.</summary>
    private static void AssertSeesTheNewPostOnce(string feed, List<ReaderEntry> before, List<ReaderEntry> after)
    {
        var added = after.Where(e => !before.Any(b => b.Id == e.Id)).ToList();
        Assert.All(before, b => Assert.Single(after, e => e.Id == b.Id));
        if (feed.StartsWith("digest", StringComparison.Ordinal))
        {
            Assert.Empty(added);
        }
        else
        {
            Assert.Equal("Fresh post", Assert.Single(added).Title);
            Assert.Equal(after.Count, after.Select(e => e.Id).Distinct().Count());
        }
    }

    private static string Rss(List<(string Title, string Author, DateTimeOffset Published)> posts)
    {
        var xml = new StringBuilder("""<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Writers' blog</title><link>https://writers.example/</link><description>Posts</description>""");
        foreach (var (title, author, published) in posts.ToList())
        {
            var slug = title.ToLowerInvariant().Replace(' ', '-');
            xml.Append(CultureInfo.InvariantCulture, $"<item><title>{title}</title><link>https://writers.example/{slug}</link><guid>https://writers.example/{slug}</guid>");
            xml.Append(CultureInfo.InvariantCulture, $"<dc:creator>{author}</dc:creator><pubDate>{published.ToString("R", CultureInfo.InvariantCulture)}</pubDate>");
            xml.Append(CultureInfo.InvariantCulture, $"<description>&lt;p&gt;The text of {title}.&lt;/p&gt;</description></item>");
        }

        return xml.Append("</channel></rss>").ToString();
    }

    private static async Task<List<ReaderEntry>> FeedparserAsync(string readers, string url)
    {
        using var json = JsonDocument.Parse(await FeedReaders.RunAsync(FeedReaders.SystemPython, Path.Combine(readers, "feedparser-read.py"), url));
        var root = json.RootElement;
        Assert.False(root.GetProperty("bozo").GetBoolean(), $"feedparser found {url} malformed: {root.GetProperty("bozo_exception").GetString()}");
        return [.. root.GetProperty("entries").EnumerateArray().Select(e =>
        {
            Assert.True(e.GetProperty("parsed_date").GetBoolean(), $"feedparser could not read the date of {e.GetProperty("title")} in {url}");
            return ReaderEntry.Of(e);
        })];
    }

    private static async Task<List<ReaderEntry>> FeedsmithAsync(string readers, string url)
    {
        using var json = JsonDocument.Parse(await FeedReaders.RunAsync("node", Path.Combine(readers, "feedsmith-read.mjs"), url));
        return [.. json.RootElement.GetProperty("entries").EnumerateArray().Select(ReaderEntry.Of)];
    }

    private static void RequireTools(string readers)
    {
        var missing = new List<string>();
        if (!File.Exists("/usr/bin/newsboat"))
        {
            missing.Add("newsboat: apt-get install -y newsboat");
        }

        if (!File.Exists(FeedReaders.SystemPython) || Process.Start(new ProcessStartInfo(FeedReaders.SystemPython, "-c \"import feedparser\"") { RedirectStandardError = true }) is not { } check
            || !check.WaitForExit(30_000) || check.ExitCode != 0)
        {
            missing.Add("Universal Feed Parser: apt-get install -y python3-feedparser");
        }

        if (!(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(directory => File.Exists(Path.Combine(directory, "node"))))
        {
            missing.Add("Node.js: apt-get install -y nodejs npm");
        }

        if (!Directory.Exists(Path.Combine(readers, "node_modules", "feedsmith")))
        {
            missing.Add("feedsmith: (cd tests/readers && npm ci)");
        }

        Assert.True(missing.Count == 0, "feed readers missing (tests/run.sh installs them): " + string.Join("; ", missing));
    }

    private sealed record ReaderEntry(string Id, string Title, string? Author, string? Published, string Content)
    {
        public static ReaderEntry Of(JsonElement e) => new(
            e.GetProperty("id").GetString() ?? string.Empty,
            e.GetProperty("title").GetString() ?? string.Empty,
            e.GetProperty("author").GetString(),
            e.GetProperty("published").GetString(),
            e.GetProperty("content").GetString() ?? string.Empty);
    }

    private sealed class Cleanup(IEnumerable<IDisposable> disposables) : IDisposable
    {
        public void Dispose()
        {
            foreach (var disposable in disposables)
            {
                disposable.Dispose();
            }
        }
    }
}
