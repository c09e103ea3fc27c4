using System.Globalization;
using System.Text.RegularExpressions;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>The reader's pages in a real headless Chromium against a real Kestrel port, at phone and desktop widths.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ReaderBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly (string Name, int Width, int Height)[] Viewports = [("phone", 390, 844), ("desktop", 1280, 900)];
    private TestApp _app = null!;
    private DateOnly _today;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = _app.Get<IFeedStore>();
        var digest = _app.Get<Digest>();
        _today = digest.Today;
        var (start, _) = digest.Bounds(_today.AddDays(-1));
        var tech = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        var french = await StoreSeeder.SourceAsync(store, "Carnet de route", "Français");
        for (var i = 0; i < 40; i++)
        {
            await StoreSeeder.ArticleAsync(store, i % 2 == 0 ? tech : french, $"Story {i:00}", start.AddHours(20).AddMinutes(-25 * i));
        }
    }

    [Fact]
    public async Task The_reading_list_pages_and_filters()
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
            Assert.Equal("Story 00", await page.Locator(".entry h2").First.InnerTextAsync());
            Assert.Equal(30, await page.Locator(".entry").CountAsync());
            await BrowserFixture.ScreenshotAsync(page, $"river-{name}");

            await page.ClickAsync("a[rel=next]");
            Assert.Equal("Story 30", await page.Locator(".entry h2").First.InnerTextAsync());
            Assert.Equal(10, await page.Locator(".entry").CountAsync());
            Assert.Equal(0, await page.Locator("a[rel=next]").CountAsync());

            await page.ClickAsync(".filters >> text=Français");
            var titles = await page.Locator(".entry h2").AllInnerTextsAsync();
            Assert.Equal(20, titles.Count);
            Assert.All(titles, t => Assert.True(int.Parse(t[6..], CultureInfo.InvariantCulture) % 2 == 1, t));
            Assert.Equal("Français", await page.Locator("h1").InnerTextAsync());

            await page.Locator(".entry .source").First.ClickAsync();
            Assert.Equal("Carnet de route", await page.Locator("h1").InnerTextAsync());
            await BrowserFixture.ScreenshotAsync(page, $"river-source-{name}");
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_article_shows_its_text_and_a_link_to_the_original()
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
            await page.ClickAsync("text=Story 03");

            Assert.Equal("Story 03", await page.Locator("h1").InnerTextAsync());
            Assert.Contains("The full text of Story 03.", await page.Locator(".content").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("https://carnet-de-route.example/posts/Story%2003", await page.Locator(".original a").GetAttributeAsync("href"));
            Assert.Contains("2 min read", await page.Locator(".meta").InnerTextAsync(), StringComparison.Ordinal);
            await BrowserFixture.ScreenshotAsync(page, $"article-{name}");
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_digest_day_groups_by_category_and_an_empty_day_says_so()
    {
        var yesterday = _today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            var response = await page.GotoAsync(new Uri(_app.BaseUri, $"/digest/{yesterday}").AbsoluteUri);
            Assert.Equal(200, response!.Status);
            var headings = await page.Locator(".digest h2").AllInnerTextsAsync();
            Assert.Equal(["Français (20)", "Tech (20)"], headings);
            Assert.Equal(40, await page.Locator(".digest li").CountAsync());
            Assert.Equal(1, await page.Locator("table.calendar td[aria-current]").CountAsync());
            await BrowserFixture.ScreenshotAsync(page, $"digest-{name}");

            // An empty day says so; its way forward is the nearest day with posts.
            await page.GotoAsync(new Uri(_app.BaseUri, $"/digest/{_today.AddDays(-4):yyyy-MM-dd}").AbsoluteUri);
            Assert.Contains("No posts were published", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal($"/digest/{yesterday}", await page.Locator(".digest-nav a[rel=next]").GetAttributeAsync("href"));
            await BrowserFixture.ScreenshotAsync(page, $"digest-empty-{name}");
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_keyboard_moves_through_the_list_and_opens_an_article()
    {
        var (page, errors) = await browser.OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);

        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("k");
        Assert.Equal("Story 01", await page.Locator(".entry.current h2").InnerTextAsync());
        await page.Keyboard.PressAsync("o");
        await page.Locator("article.full").WaitForAsync();

        var path = new Uri(page.Url).AbsolutePath;
        Assert.StartsWith("/articles/", path, StringComparison.Ordinal);
        Assert.True(path.Length > "/articles/".Length && path["/articles/".Length..].All(char.IsAsciiDigit), path);
        Assert.Equal("Story 01", await page.Locator("h1").InnerTextAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Everything_reads_and_navigates_with_javascript_off()
    {
        var (page, errors) = await browser.OpenAsync(390, 844, javaScript: false);
        await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
        await page.ClickAsync("a[rel=next]");
        await page.ClickAsync("text=Story 31");

        Assert.Equal("Story 31", await page.Locator("h1").InnerTextAsync());
        await page.GotoAsync(new Uri(_app.BaseUri, "/digest").AbsoluteUri);
        Assert.StartsWith("Digest for", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_empty_reading_list_tells_a_curator_how_to_add_a_source()
    {
        await using var empty = await TestApp.StartAsync(worker: false);
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.GotoAsync(new Uri(empty.BaseUri, "/").AbsoluteUri);

            Assert.Contains("Nothing here yet", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            await BrowserFixture.ScreenshotAsync(page, $"river-empty-{name}");
            await page.ClickAsync("main a[href='/admin/add']");
            Assert.Equal("Curator sign-in", await page.Locator("main h1").InnerTextAsync());
            Assert.Equal("/admin/add", await page.Locator("input[name=returnUrl]").InputValueAsync());
            Assert.Equal(["Failed to load resource: the server responded with a status of 401 (Unauthorized)"], errors);
            await page.Context.CloseAsync();
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
