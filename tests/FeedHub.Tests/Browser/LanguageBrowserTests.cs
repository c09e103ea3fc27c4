using System.Globalization;
using System.Text.Json;
using FeedHub.Core.Curation;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>The reader's language and time: the interface in French, Hebrew articles right to left, times in the reader's zone.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class LanguageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string HebrewSource = "הבלוג של דוד";
    private const string HebrewTitle = "שלום עולם: חדשות היום";
    private const string HebrewAuthor = "דוד לוי";
    private static readonly (string Name, int Width, int Height)[] Viewports = [("phone", 390, 844), ("desktop", 1280, 900)];

    /// <summary>A winter instant, so that Paris is at UTC+1 and New York at UTC−5.</summary>
    private static readonly DateTimeOffset Published = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    private LocalHttpServer _blog = null!;
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _blog = LocalHttpServer.Serving(request => request.Path == "/feed.xml"
            ? HttpReply.Text(200, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>{HebrewSource}</title><link>https://david.example/</link>
                <language>he-IL</language>
                <item><title>{HebrewTitle}</title><link>https://david.example/posts/1</link><guid>1</guid><dc:creator>{HebrewAuthor}</dc:creator>
                <pubDate>{Published.ToString("R", CultureInfo.InvariantCulture)}</pubDate>
                <description>{string.Concat(Enumerable.Repeat("זהו מאמר ארוך בעברית על החדשות של היום, עם מספרים כמו 2026 ומילים באנגלית כמו FeedHub. ", 30))}</description></item>
                </channel></rss>
                """, "application/rss+xml")
            : null);
        _app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Digest:TimeZone=Europe/Paris");
        var store = _app.Get<IFeedStore>();
        var tech = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        await StoreSeeder.ArticleAsync(store, tech, "An English story", Published.AddHours(-1));
        var hebrew = (await _app.Get<SourceCatalog>().AddAsync(_blog.Url("feed.xml").AbsoluteUri, new SourceSettings { Extraction = Core.Model.ExtractionMode.Never }, default)).Source!;
        await _app.Get<SourcePoller>().PollAsync(hebrew.Id, default);
    }

    [Fact]
    public async Task A_French_browser_gets_the_French_interface_and_the_switch_remembers_another_choice()
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height, locale: "fr-FR", timeZone: "Europe/Paris");
            await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);

            Assert.Equal("fr", await page.GetAttributeAsync("html", "lang"));
            Assert.Equal("Derniers articles", await page.Locator("main h1").InnerTextAsync());
            Assert.Equal(["Récents", "Résumé", "Blogroll", "S’abonner"], await page.Locator("header.site nav a").AllInnerTextsAsync());
            var english = page.Locator(".entry", new() { HasText = "An English story" });
            Assert.Equal("2 min de lecture", await english.Locator(".reading").InnerTextAsync());
            Assert.Equal("15 janv. 2026 à 09:30 UTC+1", await english.Locator("time").GetAttributeAsync("title"));
            Assert.Contains("janv.", await english.Locator("time").InnerTextAsync(), StringComparison.Ordinal);
            await BrowserFixture.ScreenshotAsync(page, $"river-fr-{name}");

            await page.GotoAsync(new Uri(_app.BaseUri, "/no/such/page").AbsoluteUri);
            Assert.Equal("Page introuvable", await page.Locator("main h1").InnerTextAsync());
            Assert.Equal(["Failed to load resource: the server responded with a status of 404 (Not Found)"], errors);
            errors.Clear();

            await page.GotoAsync(new Uri(_app.BaseUri, "/digest/2026-01-15").AbsoluteUri);
            Assert.Equal("Résumé du jeudi 15 janvier 2026", await page.Locator("main h1").InnerTextAsync());
            Assert.Equal("2 articles de 2 sources", await page.Locator("main p.count").InnerTextAsync());
            await BrowserFixture.ScreenshotAsync(page, $"digest-fr-{name}");

            await page.ClickAsync("ul.languages a[hreflang=en]");
            // The same address in English: only the heading tells the new page from the old.
            await page.Locator("main h1", new() { HasText = "Digest for Thursday 15 January 2026" }).WaitForAsync();
            await page.ArriveAtAsync(new Uri(_app.BaseUri, "/digest/2026-01-15").AbsoluteUri);
            Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
            await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
            Assert.Equal("Latest posts", await page.Locator("main h1").InnerTextAsync());
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }

        // The same address, cached once per language: a French reader after an English one still reads French.
        var (again, _) = await browser.OpenAsync(1280, 900, locale: "fr-FR");
        await again.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
        Assert.Equal("Derniers articles", await again.Locator("main h1").InnerTextAsync());
        await again.Context.CloseAsync();
    }

    [Fact]
    public async Task Times_name_their_zone_and_show_in_the_readers_zone_when_the_browser_tells_it()
    {
        var (withoutScript, _) = await browser.OpenAsync(1280, 900, javaScript: false, timeZone: "America/New_York");
        await withoutScript.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
        var time = withoutScript.Locator(".entry", new() { HasText = "An English story" }).Locator("time");
        Assert.Equal("2026-01-15T08:30:00Z", await time.GetAttributeAsync("datetime"));
        Assert.Equal("15 Jan 2026, 09:30 UTC+1", await time.InnerTextAsync());
        await withoutScript.Context.CloseAsync();

        var (page, errors) = await browser.OpenAsync(1280, 900, locale: "en-US", timeZone: "America/New_York");
        await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
        time = page.Locator(".entry", new() { HasText = "An English story" }).Locator("time");
        Assert.Equal("Jan 15, 2026, 03:30 AM EST", await time.InnerTextAsync());
        Assert.Equal("15 Jan 2026, 09:30 UTC+1", await time.GetAttributeAsync("title"));
        await page.GotoAsync(new Uri(_app.BaseUri, "/digest/2026-01-15").AbsoluteUri);
        Assert.Equal("03:30 AM EST", await page.Locator(".digest li", new() { HasText = "An English story" }).Locator("time").InnerTextAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_Hebrew_article_reads_right_to_left_with_its_line_of_facts_intact()
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height, timeZone: "Europe/Paris");
            await page.GotoAsync(new Uri(_app.BaseUri, "/").AbsoluteUri);
            var entry = page.Locator(".entry", new() { HasText = HebrewTitle });
            Assert.Equal("rtl", await DirectionAsync(entry.Locator("h2")));
            Assert.Equal("rtl", await DirectionAsync(entry.Locator(".excerpt")));
            Assert.Equal("he-IL", await entry.Locator("h2").GetAttributeAsync("lang"));
            await AssertLineOfFactsIntactAsync(entry.Locator(".meta"));
            await BrowserFixture.ScreenshotAsync(page, $"river-hebrew-{name}");

            await entry.Locator("h2 a").ClickAsync();
            await page.Locator("article.full").WaitForAsync();
            var title = page.Locator("article.full h1");
            Assert.Equal(HebrewTitle, await title.InnerTextAsync());
            Assert.Equal("rtl", await DirectionAsync(title));
            Assert.Equal("rtl", await DirectionAsync(page.Locator("article.full .content")));
            Assert.Equal("ltr", await DirectionAsync(page.Locator("html")));

            // Right to left for real: the title's text ends at the right edge of the column, not the left.
            var column = (await page.Locator("main").BoundingBoxAsync())!;
            var text = await TextBoxAsync(title);
            Assert.True(Math.Abs((column.X + column.Width) - (text.X + text.Width)) < 24, $"the title's text ends at the right: {text.X}+{text.Width} in {column.X}+{column.Width}");
            Assert.True(text.X - column.X > 24, "the title's text does not start at the left edge");
            await AssertLineOfFactsIntactAsync(page.Locator("article.full .meta"));
            Assert.Equal($"Read the original on {HebrewSource} →", await page.Locator(".original a").InnerTextAsync());
            await BrowserFixture.ScreenshotAsync(page, $"article-hebrew-{name}");
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }

        using var json = JsonDocument.Parse(await _app.Http.GetStringAsync("/feed.json"));
        Assert.Contains(json.RootElement.GetProperty("items").EnumerateArray(), item => item.GetProperty("title").GetString() == HebrewTitle);
    }

    /// <summary>
    /// The line of facts runs in the interface's direction, its pieces in their order (source, author, date, reading
    /// time), each read whole: the Hebrew names are isolated and cannot pull the date or the separators across.
    /// </summary>
    private static async Task AssertLineOfFactsIntactAsync(ILocator meta)
    {
        Assert.Equal("ltr", await DirectionAsync(meta));
        Assert.Equal(HebrewSource, await meta.Locator(".source").InnerTextAsync());
        Assert.Equal(HebrewAuthor, await meta.Locator(".author").InnerTextAsync());
        Assert.Equal("rtl", await DirectionAsync(meta.Locator(".source bdi")));
        Assert.Equal("15 Jan 2026, 10:30 UTC+1", await meta.Locator("time").GetAttributeAsync("title"));
        // Each piece as the boxes of its line fragments (a long name may wrap): a piece starts after the previous one
        // ends, on the same line further right, or on a later line.
        var pieces = new List<Box[]>();
        foreach (var selector in new[] { ".source bdi", ".author bdi", "time", ".reading" })
        {
            pieces.Add(await meta.Locator(selector).EvaluateAsync<Box[]>("e => Array.from(e.getClientRects(), r => ({ x: r.x, y: r.y, width: r.width, height: r.height }))"));
        }

        for (var i = 1; i < pieces.Count; i++)
        {
            var (before, after) = (pieces[i - 1][^1], pieces[i][0]);
            var sameLine = Math.Abs(before.Y - after.Y) < 4;
            Assert.True(sameLine ? after.X >= before.X + before.Width : after.Y > before.Y, $"piece {i} comes after piece {i - 1} in reading order: {before} then {after}");
        }

        Assert.Single(pieces[2]);
    }

    private static Task<string> DirectionAsync(ILocator element) => element.EvaluateAsync<string>("e => getComputedStyle(e).direction");

    /// <summary>The box of an element's text itself (not of the block it sits in).</summary>
    private static async Task<LocatorBoundingBoxResult> TextBoxAsync(ILocator element)
    {
        var box = await element.EvaluateAsync<JsonElement>("e => { const r = document.createRange(); r.selectNodeContents(e); const b = r.getBoundingClientRect(); return { x: b.x, y: b.y, width: b.width, height: b.height }; }");
        return new LocatorBoundingBoxResult
        {
            X = box.GetProperty("x").GetSingle(),
            Y = box.GetProperty("y").GetSingle(),
            Width = box.GetProperty("width").GetSingle(),
            Height = box.GetProperty("height").GetSingle(),
        };
    }

    /// <summary>A box on the page, in CSS pixels.</summary>
    private sealed record Box
    {
        public double X { get; init; }

        public double Y { get; init; }

        public double Width { get; init; }

        public double Height { get; init; }
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _blog.DisposeAsync();
    }
}
