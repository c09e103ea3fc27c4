using System.Net;
using System.Xml.Linq;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>Pages and feeds behave like files on a static server: HEAD, Last-Modified, If-Modified-Since; feeds page and credit authors as readers expect.</summary>
public sealed class StaticLikeHttpTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task Every_page_and_feed_answers_head_like_get_without_a_body()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Head Blog", "Tech");
        var article = await StoreSeeder.ArticleAsync(store, source, "A post", DateTimeOffset.UtcNow.AddHours(-1));

        foreach (var path in new[] { "/", "/?source=1", $"/articles/{article.Id}", "/digest", "/feed.atom", "/feed.rss", "/feed.json", "/digest.atom", "/digest.rss", "/digest.json", "/sources.opml" })
        {
            using var get = await app.Http.GetAsync(path);
            using var head = await app.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            Assert.Equal(get.Headers.ETag, head.Headers.ETag);
            Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
            Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
            Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        }
    }

    [Fact]
    public async Task If_modified_since_answers_304_until_the_content_changes()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Dated Blog");
        await StoreSeeder.ArticleAsync(store, source, "First", DateTimeOffset.UtcNow.AddHours(-1));
        using var first = await app.Http.GetAsync("/feed.atom");
        var lastModified = first.Content.Headers.LastModified!.Value;

        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(app, "/feed.atom", ifModifiedSince: lastModified)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, "/feed.atom", ifModifiedSince: lastModified.AddSeconds(-1))).StatusCode);

        // If-None-Match decides when both are sent (RFC 9110 §13.2.2).
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, "/feed.atom", ifModifiedSince: lastModified, ifNoneMatch: "\"other\"")).StatusCode);

        // A change of the store that leaves this feed's bytes alone keeps its date.
        await StoreSeeder.SourceAsync(store, "Unrelated Blog");
        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(app, "/feed.atom", ifModifiedSince: lastModified)).StatusCode);

        // Within the same second too: Last-Modified moves forward with the content.
        await StoreSeeder.ArticleAsync(store, source, "Second", DateTimeOffset.UtcNow);
        using var changed = await SendAsync(app, "/feed.atom", ifModifiedSince: lastModified);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.True(changed.Content.Headers.LastModified > lastModified);
    }

    [Fact]
    public async Task Paged_feeds_link_first_and_next_as_rfc_5005_paged_feeds_and_rss_names_authors_with_dc_creator()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Long Blog");
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        for (var i = 0; i < 60; i++)
        {
            await StoreSeeder.ArticleAsync(store, source, $"Post {i}", start.AddMinutes(-i));
        }

        var first = XDocument.Parse(await app.Http.GetStringAsync("/feed.atom"));
        var links = first.Root!.Elements(Atom + "link").ToDictionary(l => (string)l.Attribute("rel")!, l => (string)l.Attribute("href")!);
        // The newest page is also a WebSub topic and names its hub; older pages never change and name none.
        Assert.Equal(["alternate", "self", "first", "next", "hub"], links.Keys);
        Assert.Equal(links["self"], links["first"]);
        var second = XDocument.Parse(await app.Http.GetStringAsync(links["next"]));
        var secondLinks = second.Root!.Elements(Atom + "link").Select(l => (string)l.Attribute("rel")!).ToList();
        Assert.Equal(["alternate", "self", "first"], secondLinks);
        Assert.Equal(first.Root.Element(Atom + "id")!.Value, second.Root.Element(Atom + "id")!.Value);
        Assert.Equal("Ada Writer", first.Root.Element(Atom + "entry")!.Element(Atom + "author")!.Element(Atom + "name")!.Value);

        var rss = await app.Http.GetStringAsync("/feed.rss");
        var item = XDocument.Parse(rss).Descendants("item").First();
        Assert.Equal("Ada Writer", item.Element(XName.Get("creator", "http://purl.org/dc/elements/1.1/"))!.Value);
        Assert.Equal("false", (string?)item.Element("guid")!.Attribute("isPermaLink"));
        Assert.DoesNotContain("a10:author", rss, StringComparison.Ordinal);
        Assert.DoesNotContain("prev-archive", rss + first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_feed_is_dated_now_not_1970()
    {
        await using var app = await TestApp.StartAsync(worker: false);

        foreach (var path in new[] { "/feed.atom", "/digest.atom" })
        {
            var updated = DateTimeOffset.Parse(XDocument.Parse(await app.Http.GetStringAsync(path)).Root!.Element(Atom + "updated")!.Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(updated, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, string path, DateTimeOffset ifModifiedSince, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfModifiedSince = ifModifiedSince;
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await app.Http.SendAsync(request);
    }
}
