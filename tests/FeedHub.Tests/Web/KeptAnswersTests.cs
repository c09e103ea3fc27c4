using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>
/// A merged feed, river page or article page asked for again while unchanged is answered before routing, exactly as its endpoint
/// answered it (status, headers a reader or browser relies on, body), in every encoding, for HEAD and for conditional
/// requests (If-None-Match with lists, weak tags and <c>*</c>); a change of what it shows sends the next request to
/// its endpoint again.
/// </summary>
public sealed class KeptAnswersTests
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Theory]
    [InlineData("/feed.atom")]
    [InlineData("/feed.json?category=Tech")]
    [InlineData("/")]
    [InlineData("/?category=Tech")]
    public async Task An_unchanged_feed_or_river_is_answered_again_without_routing_as_its_endpoint_answered_it(string path)
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        await app.Get<StartupWarmUp>().Completion; // its requests are routed too
        using var routing = new EndpointsMatched(app);

        var post = 0;
        foreach (var encoding in new[] { null, "gzip", "gzip, deflate, br" })
        {
            // A change of what the page shows: the next request goes to its endpoint, the ones after it no longer.
            await StoreSeeder.ArticleAsync(store, source, $"Post {++post}", DateTimeOffset.UtcNow);
            var matched = routing.Count;
            using var first = await SendAsync(app, HttpMethod.Get, path, encoding);
            Assert.Equal(matched + 1, routing.Count);
            using var again = await SendAsync(app, HttpMethod.Get, path, encoding);
            using var head = await SendAsync(app, HttpMethod.Head, path, encoding);
            Assert.Equal(matched + 1, routing.Count);

            Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            foreach (var answer in new[] { first, again, head })
            {
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Equal(Headers(first), Headers(answer));
            }

            Assert.Equal(encoding?.Split(',')[^1].Trim(), first.Content.Headers.ContentEncoding.SingleOrDefault());
        }
    }

    [Fact]
    public async Task An_unchanged_article_page_is_answered_again_without_routing_until_the_river_changes()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        var article = await StoreSeeder.ArticleAsync(store, source, "A post", DateTimeOffset.UtcNow.AddHours(-1));
        var path = $"/articles/{article.Id}";
        await app.Get<StartupWarmUp>().Completion; // its requests are routed too
        using var routing = new EndpointsMatched(app);

        using var first = await SendAsync(app, HttpMethod.Get, path, "gzip");
        using var again = await SendAsync(app, HttpMethod.Get, path, "gzip");
        Assert.Equal(1, routing.Count);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(Headers(first), Headers(again));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());

        // A newer story of another source is linked from the page: it goes to its endpoint again.
        var other = await StoreSeeder.SourceAsync(store, "Art Notes", "Art");
        await StoreSeeder.ArticleAsync(store, other, "A newer post", DateTimeOffset.UtcNow);
        using var withNewer = await SendAsync(app, HttpMethod.Get, path, null);
        Assert.Equal(2, routing.Count);
        Assert.Contains("A newer post", await withNewer.Content.ReadAsStringAsync());

        // And so does it once the article is removed.
        await store.RemoveSourceAsync(source.Id, keepArticles: false, default);
        using var removed = await SendAsync(app, HttpMethod.Get, path, null);
        Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);
    }

    [Fact]
    public async Task A_feed_kept_for_a_reader_is_sent_to_a_browser_as_xml_and_a_page_in_another_language_is_its_own()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        await StoreSeeder.ArticleAsync(store, await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech"), "A post", DateTimeOffset.UtcNow.AddHours(-1));
        using var reader = await app.Http.GetAsync("/feed.atom");
        using var english = await SendAsync(app, HttpMethod.Get, "/", null);

        using var browser = new HttpRequestMessage(HttpMethod.Get, "/feed.atom");
        browser.Headers.TryAddWithoutValidation("Accept", BrowserAccept);
        using var forBrowser = await app.Http.SendAsync(browser);
        Assert.Equal("application/atom+xml", reader.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/xml", forBrowser.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reader.Headers.ETag, forBrowser.Headers.ETag);

        using var french = new HttpRequestMessage(HttpMethod.Get, "/");
        french.Headers.AcceptLanguage.ParseAdd("fr");
        using var inFrench = await app.Http.SendAsync(french);
        Assert.NotEqual(english.Headers.ETag, inFrench.Headers.ETag);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task If_none_match_answers_304_for_the_tag_in_a_list_weak_or_any_and_only_for_the_encoding_sent(bool gzip)
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        await StoreSeeder.ArticleAsync(store, await StoreSeeder.SourceAsync(store, "Tech Notes"), "A post", DateTimeOffset.UtcNow.AddHours(-1));
        var encoding = gzip ? "gzip" : null;
        using var first = await SendAsync(app, HttpMethod.Get, "/feed.atom", encoding);
        var etag = first.Headers.ETag!.Tag;
        Assert.False(first.Headers.ETag.IsWeak);

        foreach (var ifNoneMatch in new[] { etag, $"\"other\", {etag}", $"W/{etag}", "\"other\",W/" + etag, "*" })
        {
            using var notModified = await SendAsync(app, HttpMethod.Get, "/feed.atom", encoding, ifNoneMatch);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
            Assert.Equal(first.Headers.CacheControl, notModified.Headers.CacheControl);
            Assert.Equal(first.Headers.Vary, notModified.Headers.Vary);
            // The browser keeps the security headers of the response it revalidates: a 304 repeats none of them.
            Assert.False(notModified.Headers.Contains("Content-Security-Policy"));
        }

        Assert.True(first.Headers.Contains("Content-Security-Policy"));

        foreach (var ifNoneMatch in new[] { "\"other\"", etag.Insert(1, "x"), "not a tag" })
        {
            using var changed = await SendAsync(app, HttpMethod.Get, "/feed.atom", encoding, ifNoneMatch);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        // The tag of one encoding does not validate the other's body.
        using var otherEncoding = await SendAsync(app, HttpMethod.Get, "/feed.atom", gzip ? null : "gzip", etag);
        Assert.Equal(HttpStatusCode.OK, otherEncoding.StatusCode);
        Assert.NotEqual(first.Headers.ETag, otherEncoding.Headers.ETag);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, HttpMethod method, string path, string? acceptEncoding, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await app.Http.SendAsync(request);
    }

    /// <summary>Every header of the answer but its date, which moves with the clock.</summary>
    private static string Headers(HttpResponseMessage response)
        => string.Join('\n', response.Headers.Concat(response.Content.Headers)
            .Where(header => header.Key != "Date")
            .OrderBy(header => header.Key, StringComparer.Ordinal)
            .Select(header => $"{header.Key}: {string.Join(", ", header.Value)}"));

    /// <summary>Counts the requests of one app that routing matched to an endpoint (ASP.NET Core's diagnostic event).</summary>
    private sealed class EndpointsMatched : IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private const string Matched = "Microsoft.AspNetCore.Routing.EndpointMatched";
        private readonly IDisposable _subscription;
        private int _count;

        public EndpointsMatched(TestApp app)
            => _subscription = app.Get<DiagnosticListener>().Subscribe(this, name => name == Matched);

        public int Count => Volatile.Read(ref _count);

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == Matched)
            {
                Interlocked.Increment(ref _count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose() => _subscription.Dispose();
    }
}
