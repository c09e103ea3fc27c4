using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>Ids and links that do not depend on how FeedHub was reached: Host headers, a public base URL, known proxies.</summary>
public sealed class PublicAddressTests
{
    private static readonly string[] Feeds = ["/feed.atom", "/feed.rss", "/feed.json", "/digest.atom", "/digest.rss", "/digest.json"];

    [Fact]
    public async Task The_same_entries_fetched_through_two_host_names_have_the_same_ids()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        await SeedAsync(app);

        foreach (var feed in Feeds)
        {
            var viaLocalhost = await GetAsync(app, feed, host: $"localhost:{app.BaseUri.Port}");
            var viaOtherName = await GetAsync(app, feed, host: "feeds.example.org");

            Assert.Contains("feeds.example.org", viaOtherName, StringComparison.Ordinal);
            var ids = EntryIds(feed, viaLocalhost);
            Assert.NotEmpty(ids);
            Assert.Equal(ids, EntryIds(feed, viaOtherName));
            Assert.All(ids, id => Assert.StartsWith("tag:", id, StringComparison.Ordinal));
        }

        // The feeds' own ids too: a reader that keys a subscription on the Atom id must not see a new feed per host name.
        var feedIds = new HashSet<string>();
        foreach (var feed in new[] { "/feed.atom", "/feed.atom?category=Tech", "/digest.atom" })
        {
            var viaLocalhost = FeedId(await GetAsync(app, feed, host: $"localhost:{app.BaseUri.Port}"));
            Assert.StartsWith("tag:", viaLocalhost, StringComparison.Ordinal);
            Assert.Equal(viaLocalhost, FeedId(await GetAsync(app, feed, host: "feeds.example.org")));
            feedIds.Add(viaLocalhost);
        }

        Assert.Equal(3, feedIds.Count);
    }

    [Fact]
    public async Task With_a_base_url_no_page_or_feed_contains_the_request_host_and_ids_survive_a_change_of_it()
    {
        var data = Directory.CreateTempSubdirectory("feedhub-app-").FullName;
        List<string> idsBefore;
        await using (var app = await TestApp.StartAsync(data, worker: false, settings: "--FeedHub:Site:BaseUrl=https://planet.example.org/"))
        {
            var articleId = await SeedAsync(app);
            string[] pages = ["/", "/?category=Tech", $"/articles/{articleId}", "/digest", "/sources.opml", .. Feeds];
            foreach (var page in pages)
            {
                var body = await GetAsync(app, page, host: "evil.example");
                Assert.DoesNotContain("evil.example", body, StringComparison.Ordinal);
                Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
                if (page.StartsWith("/feed", StringComparison.Ordinal) || page.StartsWith("/digest.", StringComparison.Ordinal))
                {
                    Assert.Contains("https://planet.example.org/", body, StringComparison.Ordinal);
                }
            }

            idsBefore = [FeedId(await GetAsync(app, "/feed.atom", host: "evil.example")), .. EntryIds("/feed.atom", await GetAsync(app, "/feed.atom", host: "evil.example"))];
            Assert.Equal(3, idsBefore.Count);
            Assert.All(idsBefore, id => Assert.StartsWith("tag:", id, StringComparison.Ordinal));
        }

        await using var moved = await TestApp.StartAsync(data, worker: false, settings: "--FeedHub:Site:BaseUrl=https://news.example.net/planet/");
        var atom = await moved.Http.GetStringAsync("/feed.atom");
        Assert.Equal(idsBefore, [FeedId(atom), .. EntryIds("/feed.atom", atom)]);
        Assert.Contains("https://news.example.net/planet/feed.atom", atom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_known_proxy_makes_links_https_and_an_unknown_one_is_not_believed()
    {
        await using var proxied = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Site:KnownProxies:0=127.0.0.1");
        await SeedAsync(proxied);
        await using var direct = await TestApp.StartAsync(worker: false);
        await SeedAsync(direct);

        var viaProxy = await GetAsync(proxied, "/feed.atom", forwardedProto: "https", forwardedHost: "planet.example.org");
        var notBelieved = await GetAsync(direct, "/feed.atom", forwardedProto: "https", forwardedHost: "planet.example.org");

        Assert.Contains("href=\"https://planet.example.org/feed.atom\"", viaProxy, StringComparison.Ordinal);
        Assert.DoesNotContain("http://planet.example.org", viaProxy, StringComparison.Ordinal);
        Assert.DoesNotContain("planet.example.org", notBelieved, StringComparison.Ordinal);
        Assert.Contains($"href=\"http://127.0.0.1:{direct.BaseUri.Port}/feed.atom\"", notBelieved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_url_that_is_not_an_absolute_http_address_stops_the_start_with_the_setting_named()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(worker: false, settings: "--FeedHub:Site:BaseUrl=planet.example.org"));

        Assert.Contains("FeedHub:Site:BaseUrl", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Two posts of yesterday (so the digest feed has an entry too); returns the first article's id.</summary>
    private static async Task<long> SeedAsync(TestApp app)
    {
        var store = app.Get<IFeedStore>();
        var digest = app.Get<Core.Publishing.Digest>();
        var source = await StoreSeeder.SourceAsync(store, "Address Blog", "Tech");
        var (yesterday, _) = digest.Bounds(digest.Today.AddDays(-1));
        var article = await StoreSeeder.ArticleAsync(store, source, "Yesterday's post", yesterday.AddHours(10));
        await StoreSeeder.ArticleAsync(store, source, "Another post", yesterday.AddHours(12));
        return article.Id;
    }

    private static async Task<string> GetAsync(TestApp app, string path, string? host = null, string? forwardedProto = null, string? forwardedHost = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
            request.Headers.Add("X-Forwarded-Host", forwardedHost);
        }

        using var response = await app.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string FeedId(string atom)
        => XDocument.Parse(atom).Root!.Element(XName.Get("id", "http://www.w3.org/2005/Atom"))!.Value;

    private static List<string> EntryIds(string feed, string body)
    {
        if (feed.EndsWith(".json", StringComparison.Ordinal))
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return [.. json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
        }

        var xml = XDocument.Parse(body);
        return feed.EndsWith(".rss", StringComparison.Ordinal)
            ? [.. xml.Descendants("guid").Select(g => g.Value)]
            : [.. xml.Descendants(XName.Get("entry", "http://www.w3.org/2005/Atom")).Select(e => e.Element(XName.Get("id", "http://www.w3.org/2005/Atom"))!.Value)];
    }
}
