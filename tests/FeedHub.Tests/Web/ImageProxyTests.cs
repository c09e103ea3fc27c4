using System.Net;
using System.Text.RegularExpressions;
using FeedHub.Core.Parser;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using FeedHub.Web.Images;

namespace FeedHub.Tests.Web;

/// <summary>
/// The image proxy on a real Kestrel port, fetching from real local HTTP servers: it serves real images with their
/// type, once for many readers; it refuses unsigned and changed addresses, private targets, oversize bodies and
/// anything that is not a raster image; pages (and feeds, when asked) point their images at it.
/// </summary>
public sealed partial class ImageProxyTests : IAsyncLifetime
{
    private static readonly byte[] Photo = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", "photo.png"));
    private LocalHttpServer _site = null!;

    public Task InitializeAsync()
    {
        _site = LocalHttpServer.Serving(request => request.Path switch
        {
            "/photo.png" => HttpReply.Bytes(200, Photo, "image/png"),
            "/photo-as-text" => HttpReply.Bytes(200, Photo, "text/plain"),
            "/moved.png" => HttpReply.Redirect(302, "/photo.png"),
            "/big.jpg" => HttpReply.Bytes(200, [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[300_000]], "image/jpeg"),
            "/big-unannounced.jpg" => HttpReply.Bytes(200, [0xFF, 0xD8, 0xFF, 0xE0, .. new byte[300_000]], "image/jpeg") with { OmitContentLength = true },
            "/drawing.svg" => HttpReply.Text(200, """<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>""", "image/svg+xml"),
            "/page.png" => HttpReply.Text(200, "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "image/png"),
            "/missing.png" => HttpReply.Text(404, "no such image"),
            _ => null,
        });
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_real_image_is_served_with_its_type_once_for_many_readers()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var links = app.Get<ImageLinks>();

        foreach (var path in new[] { "/photo.png", "/photo-as-text", "/moved.png" })
        {
            var address = links.Of(_site.Url(path).AbsoluteUri);
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Http.GetAsync(address)));

            Assert.All(answers, answer =>
            {
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Equal("image/png", answer.Content.Headers.ContentType?.MediaType);
                Assert.Equal("nosniff", answer.Headers.GetValues("X-Content-Type-Options").Single());
                Assert.Contains("max-age=", answer.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
            });
            Assert.Equal(Photo, await answers[0].Content.ReadAsByteArrayAsync());
        }

        // Eight readers at once, then more later: the site was asked once per address (the redirect twice: it and its target).
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(links.Of(_site.Url("photo.png").AbsoluteUri))).StatusCode);
        Assert.Equal(2, _site.Requests.Count(r => r.Path == "/photo.png"));
        Assert.Single(_site.Requests, r => r.Path == "/photo-as-text");
        Assert.Single(_site.Requests, r => r.Path == "/moved.png");
    }

    [Fact]
    public async Task Unsigned_and_changed_addresses_are_refused_without_a_fetch()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var (signature, encoded) = SplitProxyAddress(app.Get<ImageLinks>().Of(_site.Url("photo.png").AbsoluteUri));
        var (_, otherEncoded) = SplitProxyAddress(app.Get<ImageLinks>().Of(_site.Url("drawing.svg").AbsoluteUri));
        var forged = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_site.Url("page.png").AbsoluteUri)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        foreach (var path in new[]
        {
            $"/images/{signature}/{otherEncoded}",
            $"/images/{signature}/{forged}",
            $"/images/{signature[..^1]}{(signature[^1] == 'A' ? 'B' : 'A')}/{encoded}",
            $"/images/x/{encoded}",
            $"/images/{signature}/",
            "/images/?url=" + Uri.EscapeDataString(_site.Url("photo.png").AbsoluteUri),
        })
        {
            var answer = await app.Http.GetAsync(path);
            Assert.True(answer.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{path}: {answer.StatusCode}");
        }

        var refused = await app.Http.GetAsync($"/images/{signature}/{otherEncoded}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not signed, or was changed", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
    }

    [Fact]
    public async Task Loopback_and_private_targets_are_refused()
    {
        await using var app = await TestApp.StartAsync(allowPrivateNetworks: false, worker: false);
        var links = app.Get<ImageLinks>();

        foreach (var url in new[] { _site.Url("photo.png").AbsoluteUri, "http://localhost:9/a.png", "http://10.0.0.7/a.png", "http://169.254.169.254/latest/meta-data/a.png", "http://[::1]/a.png" })
        {
            var answer = await app.Http.GetAsync(links.Of(url));

            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Contains("private, loopback or link-local", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(_site.Requests);
    }

    [Theory]
    [InlineData("/drawing.svg", "image/svg+xml")]
    [InlineData("/page.png", "image/png")]
    public async Task What_is_not_a_raster_image_is_refused_whatever_it_claims(string path, string claimed)
    {
        await using var app = await TestApp.StartAsync(worker: false);

        var answer = await app.Http.GetAsync(app.Get<ImageLinks>().Of(_site.Url(path).AbsoluteUri));

        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.Contains($"({claimed})", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversize_bodies_and_failing_sites_are_refused_with_the_reason()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Fetcher:MaxBytes=100000");
        var links = app.Get<ImageLinks>();

        // Announced by its Content-Length, or found out while reading a body sent without one.
        foreach (var path in new[] { "big.jpg", "big-unannounced.jpg" })
        {
            var big = await app.Http.GetAsync(links.Of(_site.Url(path).AbsoluteUri));
            Assert.Equal(HttpStatusCode.BadGateway, big.StatusCode);
            Assert.Contains("larger than", await big.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var missing = await app.Http.GetAsync(links.Of(_site.Url("missing.png").AbsoluteUri));
        Assert.Equal(HttpStatusCode.BadGateway, missing.StatusCode);
        Assert.Contains("404", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A small image still passes under the same cap.
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(links.Of(_site.Url("photo.png").AbsoluteUri))).StatusCode);
    }

    [Fact]
    public async Task Pages_point_every_image_at_the_proxy_and_feeds_do_when_asked()
    {
        var photo = _site.Url("photo.png").AbsoluteUri;
        var html = $"""<p>Look:</p><img src="{photo}" srcset="{photo} 1x, {photo} 2x" alt="A"><img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">""";
        foreach (var proxyInFeeds in new[] { false, true })
        {
            await using var app = await TestApp.StartAsync(worker: false, settings: ["--FeedHub:Site:BaseUrl=https://planet.example.org/", $"--FeedHub:Images:ProxyInFeeds={proxyInFeeds}"]);
            var store = app.Get<IFeedStore>();
            var source = await StoreSeeder.SourceAsync(store, "Photo Blog", "Photos");
            var article = await StoreSeeder.ArticleAsync(store, source, "Pictures", DateTimeOffset.UtcNow.AddHours(-1), html, photo);

            var river = await app.Http.GetStringAsync("/");
            var page = await app.Http.GetStringAsync($"/articles/{article.Id}");
            Assert.DoesNotContain(photo, river, StringComparison.Ordinal);
            Assert.DoesNotContain(photo, page, StringComparison.Ordinal);
            Assert.Equal(3, ProxiedImage().Count(page));
            Assert.Single(ProxiedImage().Matches(river));
            Assert.Contains("data:image/png;base64,iVBORw0KGgo=", page, StringComparison.Ordinal);
            foreach (Match proxied in ProxiedImage().Matches(page))
            {
                Assert.Equal(Photo, await app.Http.GetByteArrayAsync(proxied.Value));
            }

            foreach (var path in new[] { "/feed.atom", "/feed.rss", "/feed.json" })
            {
                var body = await app.Http.GetStringAsync(path);
                var item = Assert.Single(new FeedReader().Read(System.Text.Encoding.UTF8.GetBytes(body), null, new Uri(app.BaseUri, path)).Items);
                var content = item.Content ?? item.Summary;
                if (proxyInFeeds)
                {
                    Assert.DoesNotContain(photo, body, StringComparison.Ordinal);
                    Assert.Contains("https://planet.example.org/images/", content, StringComparison.Ordinal);
                }
                else
                {
                    Assert.Contains(photo, content, StringComparison.Ordinal);
                }
            }
        }
    }

    private static (string Signature, string Encoded) SplitProxyAddress(string address)
    {
        var parts = address.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (parts[1], parts[2]);
    }

    [GeneratedRegex("/images/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+", RegexOptions.NonBacktracking)]
    private static partial Regex ProxiedImage();

    public async Task DisposeAsync() => await _site.DisposeAsync();
}
