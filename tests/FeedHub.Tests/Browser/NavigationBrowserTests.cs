using System.Text.RegularExpressions;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>
/// Finding one's way in a real Chromium: the subscribe page and the blogroll page with addresses from the public base
/// URL, feeds that open as pages, an article's newer and older neighbours and the way back, the keyboard across the
/// river's pages, and images that come through FeedHub.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class NavigationBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string BaseUrl = "https://planet.example.org/";
    private static readonly (string Name, int Width, int Height)[] Viewports = [("phone", 390, 844), ("desktop", 1280, 900)];
    private static readonly byte[] Photo = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", "photo.png"));
    private LocalHttpServer _images = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _images = LocalHttpServer.Serving(request => request.Path == "/photo.png" ? HttpReply.Bytes(200, Photo, "image/png") : null);
        _app = await TestApp.StartAsync(worker: false, settings: $"--FeedHub:Site:BaseUrl={BaseUrl}");
        var store = _app.Get<IFeedStore>();
        var tech = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        var french = await StoreSeeder.SourceAsync(store, "Carnet de route", "Français");
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < 35; i++)
        {
            var photo = i == 1 ? _images.Url("photo.png").AbsoluteUri : null;
            var html = i == 1 ? $"""<p>A picture:</p><figure><img src="{photo}" alt="A gradient"></figure><p>And text.</p>""" : null;
            await StoreSeeder.ArticleAsync(store, i % 2 == 0 ? tech : french, $"Story {i:00}", start.AddMinutes(-10 * i), html, photo);
        }
    }

    [Fact]
    public async Task The_subscribe_page_lists_every_feed_with_its_public_address_to_copy()
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
            await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
            await page.Locator("header.site nav a", new() { HasText = "Subscribe" }).ClickAsync();
            await page.ArriveAtAsync(new Uri(_app.BaseUri, "/subscribe").AbsoluteUri);

            var addresses = await page.Locator("input.address").EvaluateAllAsync<string[]>("inputs => inputs.map(i => i.value)");
            string[] expected =
            [
                BaseUrl + "feed.atom", BaseUrl + "feed.json", BaseUrl + "feed.rss",
                BaseUrl + "digest.atom", BaseUrl + "digest.json", BaseUrl + "digest.rss",
                BaseUrl + "feed.atom?category=Fran%C3%A7ais", BaseUrl + "feed.atom?category=Tech",
                BaseUrl + "feed.atom?q=climate", BaseUrl + "sources.opml",
            ];
            Assert.All(expected, address => Assert.Contains(address, addresses));
            Assert.Equal(["Everything", "The daily digest", "By category", "By source", "Saved searches", "The blogroll (OPML)"],
                await page.Locator("main h2").AllInnerTextsAsync());
            Assert.Equal("page", await page.Locator("header.site nav a", new() { HasText = "Subscribe" }).GetAttributeAsync("aria-current"));
            Assert.Equal(0, await page.Locator("footer .keys").CountAsync());

            // The copy button (the script's) puts the address on the clipboard.
            var everything = page.Locator("section", new() { Has = page.Locator("#everything") }).Locator(".feed-address").First;
            await everything.Locator("button.copy").ClickAsync();
            await everything.Locator("button.copy", new() { HasText = "Copied" }).WaitForAsync();
            Assert.Equal(BaseUrl + "feed.atom", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
            await BrowserFixture.ScreenshotAsync(page, $"subscribe-{name}");

            await page.Locator("main a[href='/blogroll']").First.ClickAsync();
            await page.ArriveAtAsync(new Uri(_app.BaseUri, "/blogroll").AbsoluteUri);
            Assert.Equal(["Français (1)", "Tech (1)"], await page.Locator("main h2").AllInnerTextsAsync());
            var tech = page.Locator("ul.blogroll li", new() { HasText = "Tech Notes" });
            Assert.Equal("https://tech-notes.example/", await tech.Locator("a.name").GetAttributeAsync("href"));
            Assert.Equal("https://tech-notes.example/feed", await tech.Locator(".links a").First.GetAttributeAsync("href"));
            Assert.Equal(BaseUrl + "sources.opml", await page.Locator("input.address").InputValueAsync());
            await BrowserFixture.ScreenshotAsync(page, $"blogroll-{name}");
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("/feed.atom", "FeedHub")]
    [InlineData("/feed.rss?category=Tech", "FeedHub: Tech")]
    [InlineData("/digest.atom", "FeedHub daily digest")]
    public async Task A_feed_opened_in_the_browser_reads_as_a_page(string path, string title)
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            var response = await page.GotoAsync(new Uri(_app.BaseUri, path).AbsoluteUri);

            // The page the site's stylesheet makes of the feed, made by the server: Chromium is removing XSLT.
            Assert.Equal("text/html; charset=utf-8", await response!.HeaderValueAsync("content-type"));
            Assert.Contains("default-src 'none'", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
            await page.Locator("main h1").WaitForAsync();
            Assert.Equal(title, await page.Locator("main h1").InnerTextAsync());
            Assert.Equal("This is a feed", await page.Locator(".about-feed h2").InnerTextAsync());
            Assert.Equal(BaseUrl + path.TrimStart('/'), await page.Locator(".about-feed input.address").InputValueAsync());
            Assert.Equal("flex", await page.Locator("header.site").EvaluateAsync<string>("header => getComputedStyle(header).display"));
            if (!path.StartsWith("/digest", StringComparison.Ordinal))
            {
                var entries = await page.Locator(".entry h2").AllInnerTextsAsync();
                Assert.Equal(path.Contains("Tech", StringComparison.Ordinal) ? 18 : 35, entries.Count);
                Assert.Equal("Story 00", entries[0]);
            }

            await BrowserFixture.ScreenshotAsync(page, $"feed-page-{Slug().Replace(path.Trim('/').ToLowerInvariant(), "-")}-{name}");

            // No XSLT ran in the browser (Chromium would announce its removal with a banner), and the page's markup
            // has no inline style or handler for the site's policy to block.
            Assert.Equal(0, await page.Locator("xslt-warning-banner").CountAsync());
            Assert.Equal(0, await page.EvaluateAsync<int>(
                "() => [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => (a.name === 'style' && a.value) || a.name.startsWith('on'))).length"));
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_article_leads_to_its_newer_and_older_neighbours_and_back_to_the_list()
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
            await page.ClickAsync("text=Story 01");
            await page.Locator("article.full").WaitForAsync();

            // Its image came through FeedHub, and the browser could show it.
            var image = page.Locator(".content img");
            Assert.StartsWith("/images/", await image.GetAttributeAsync("src"), StringComparison.Ordinal);
            await page.WaitForFunctionAsync("() => document.querySelector('.content img').complete");
            Assert.Equal(16, await image.EvaluateAsync<int>("img => img.naturalWidth"));
            Assert.Equal("Story 00", await page.Locator(".article-nav a[rel=prev] span[dir]").InnerTextAsync());
            Assert.Equal("Story 02", await page.Locator(".article-nav a[rel=next] span[dir]").InnerTextAsync());
            Assert.Contains("next/previous article", await page.Locator("footer .keys").InnerTextAsync(), StringComparison.Ordinal);
            await BrowserFixture.ScreenshotAsync(page, $"article-steps-{name}");

            await page.ClickAsync(".article-nav a[rel=next]");
            await page.Locator("main h1", new() { HasText = "Story 02" }).WaitForAsync();
            await page.Keyboard.PressAsync("j");
            await page.Locator("main h1", new() { HasText = "Story 03" }).WaitForAsync();
            await page.Keyboard.PressAsync("k");
            await page.Locator("main h1", new() { HasText = "Story 02" }).WaitForAsync();

            // Back to the list, where this article comes first.
            await page.ClickAsync(".to-list a");
            // The list's entries (an article page has none), parsed to the footer.
            await page.Locator(".entry").First.WaitForAsync();
            await page.Locator("footer.site").WaitForAsync();
            Assert.Contains("/?before=", page.Url, StringComparison.Ordinal);
            Assert.Equal("Story 02", await page.Locator(".entry h2").First.InnerTextAsync());
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_keyboard_goes_on_to_the_next_page_of_the_river_and_back()
    {
        var (page, errors) = await browser.OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
        Assert.Contains("next/previous", await page.Locator("footer .keys").InnerTextAsync(), StringComparison.Ordinal);

        for (var i = 0; i < 30; i++)
        {
            await page.Keyboard.PressAsync("j");
        }

        Assert.Equal("Story 29", await page.Locator(".entry.current h2").InnerTextAsync());
        await page.Keyboard.PressAsync("j");
        await page.Locator(".entry.current h2", new() { HasText = "Story 30" }).WaitForAsync();
        Assert.Contains("/?before=", page.Url, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("j");
        Assert.Equal("Story 31", await page.Locator(".entry.current h2").InnerTextAsync());

        await page.Keyboard.PressAsync("k");
        await page.Keyboard.PressAsync("k");
        await page.Locator(".entry.current h2", new() { HasText = "Story 29" }).WaitForAsync();
        Assert.Equal(new Uri(_app.BaseUri, "/").AbsoluteUri, page.Url);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.NonBacktracking)]
    private static partial Regex Slug();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _images.DisposeAsync();
    }
}
