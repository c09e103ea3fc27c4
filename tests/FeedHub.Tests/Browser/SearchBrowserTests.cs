using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Storage;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>
/// Search from the reading list in a real Chromium: words of an article's text found in English, French and German
/// by their other forms, narrowed by a category, matches marked (on both stores: Lucene beside LiteDB and PostgreSQL's
/// full-text search), the search's feed, what to do when nothing matches.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class SearchBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly (string Name, int Width, int Height)[] Viewports = [("phone", 390, 844), ("desktop", 1280, 900)];
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-2);
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(worker: false);
        await SeedAsync(_app.Get<IFeedStore>());
    }

    /// <summary>Posts in English, French and German in the News category, an English one in Sport, and five about rain.</summary>
    private static async Task SeedAsync(IFeedStore store)
    {
        var desk = await StoreSeeder.SourceAsync(store, "World Desk", "News");
        var carnet = await StoreSeeder.SourceAsync(store, "Carnet du village", "News");
        var blatt = await StoreSeeder.SourceAsync(store, "Wochenblatt", "News");
        var track = await StoreSeeder.SourceAsync(store, "Track Club", "Sport");
        await SeedAsync(store, desk, "Morning in the city", "en", "<p>She runs along the river at dawn, &lt;b&gt;fast&lt;/b&gt; &amp; far, before the city wakes.</p>", Start);
        await SeedAsync(store, track, "Club results", "en", "<p>Our captain runs the relay again this year.</p>", Start.AddMinutes(-1));
        await SeedAsync(store, carnet, "Vie du village", "fr", "<p>La maison bleue au bout de la rue est enfin à vendre.</p>", Start.AddMinutes(-2));
        await SeedAsync(store, blatt, "Am See", "de", "<p>Das Haus am See steht seit dem Winter leer.</p>", Start.AddMinutes(-3));
        for (var i = 0; i < 5; i++)
        {
            await SeedAsync(store, desk, $"Weather {i}", "en", $"<p>Rain and wind on day {i}.</p>", Start.AddHours(-i - 1));
        }
    }

    [Fact]
    public async Task A_word_of_the_text_is_found_in_three_languages_by_its_other_forms_and_within_a_category()
    {
        foreach (var (name, width, height) in Viewports)
        {
            await SearchInThreeLanguagesAsync(_app, width, height, name);
        }
    }

    [Fact]
    public async Task The_same_search_works_on_the_PostgreSQL_store()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var app = await TestApp.StartAsync(worker: false, settings: ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"]);
        await SeedAsync(app.Get<IFeedStore>());

        await SearchInThreeLanguagesAsync(app, 1280, 900, "desktop-postgres");
    }

    /// <summary>
    /// From the river: "running" finds "runs" in two categories, the category narrows it to one; then "maisons" and
    /// "Häuser" find "maison" and "Haus" within the category.
    /// </summary>
    private async Task SearchInThreeLanguagesAsync(TestApp app, int width, int height, string name)
    {
        var (page, errors) = await browser.OpenAsync(width, height);
        await page.GotoAsync(new Uri(app.BaseUri, "/").AbsoluteUri);

        // English: "running" finds "runs", in two categories; then the category narrows it to one.
        await SearchAsync(page, "running");
        Assert.Equal("Posts matching “running”", await page.Locator("main h1").InnerTextAsync());
        Assert.Equal(["Morning in the city", "Club results"], await page.Locator(".entry h2").AllInnerTextsAsync());
        Assert.Equal("runs", await page.Locator(".entry", new() { HasText = "Morning in the city" }).Locator(".excerpt mark").First.InnerTextAsync());
        Assert.Contains("<b>fast</b> & far", await page.Locator(".entry", new() { HasText = "Morning in the city" }).Locator(".excerpt").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, $"search-{name}");

        await page.Locator(".filters a", new() { HasText = "News" }).ClickAsync();
        Assert.Equal(["Morning in the city"], await page.Locator(".entry h2").AllInnerTextsAsync());
        Assert.Equal("running", await page.Locator("form.search input[name=q]").InputValueAsync());
        Assert.Equal("News", await page.Locator("form.search input[name=category]").InputValueAsync());

        // French and German from the category's page: the search stays in the category.
        await SearchAsync(page, "maisons");
        Assert.Equal(["Vie du village"], await page.Locator(".entry h2").AllInnerTextsAsync());
        Assert.Equal("maison", await page.Locator(".entry .excerpt mark").First.InnerTextAsync());
        Assert.Equal("fr", await page.Locator(".entry .excerpt").GetAttributeAsync("lang"));
        Assert.Contains("category=News", page.Url, StringComparison.Ordinal);

        await SearchAsync(page, "Häuser");
        Assert.Equal(["Am See"], await page.Locator(".entry h2").AllInnerTextsAsync());
        Assert.Equal("Haus", await page.Locator(".entry .excerpt mark").First.InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, $"search-category-{name}");

        await page.Locator(".entry h2 a").ClickAsync();
        Assert.Equal("Am See", await page.Locator("main h1").InnerTextAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_search_offers_its_feed_and_pages_by_cursor()
    {
        var (page, errors) = await browser.OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(_app.BaseUri, "/?category=News").AbsoluteUri);
        await SearchAsync(page, "rain");

        Assert.Equal(5, await page.Locator(".entry").CountAsync());
        var feedLink = page.Locator(".saved-search a[type='application/atom+xml']");
        Assert.Equal("/feed.atom?category=News&q=rain", await feedLink.GetAttributeAsync("href"));
        Assert.Equal(3, await page.Locator("head link[rel=alternate][href*='q=rain']").CountAsync());
        var feed = new FeedReader().Read(await _app.Http.GetByteArrayAsync("/feed.atom?category=News&q=rain"));
        Assert.Null(feed.Error);
        Assert.Equal("FeedHub: News: search for “rain”", feed.Title);
        Assert.Equal(5, feed.Items.Count);

        // Thirty to a page: five matches fit on one, so there is no next page and no way to an older one.
        Assert.Equal(0, await page.Locator("a[rel=next]").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Nothing_found_says_what_to_try_and_a_search_with_no_word_says_why()
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.GotoAsync(new Uri(_app.BaseUri, "/?category=Sport").AbsoluteUri);
            await SearchAsync(page, "zeppelin");

            Assert.Equal("No post matches “zeppelin”.", await page.Locator("main p.empty").InnerTextAsync());
            Assert.Equal(0, await page.Locator(".entry").CountAsync());
            await BrowserFixture.ScreenshotAsync(page, $"search-nothing-{name}");
            await page.Locator("ul.next-steps a", new() { HasText = "Search all posts" }).ClickAsync();
            // Polls the address alone: WaitForURLAsync waits for a load event when the address has changed already (see SearchAsync).
            await Assertions.Expect(page).ToHaveURLAsync(new Uri(_app.BaseUri, "/?q=zeppelin").AbsoluteUri, new() { Timeout = 30_000 });

            var response = await page.GotoAsync(new Uri(_app.BaseUri, "/?q=%2A%2A%2A").AbsoluteUri);
            Assert.Equal(400, response!.Status);
            Assert.Contains("no word to search for", await page.Locator("main p.error").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("***", await page.Locator("form.search input[name=q]").InputValueAsync());
            await BrowserFixture.ScreenshotAsync(page, $"search-bad-{name}");
            Assert.Equal(["Failed to load resource: the server responded with a status of 400 (Bad Request)"], errors);
            await page.Context.CloseAsync();
        }
    }

    private static async Task SearchAsync(IPage page, string words)
    {
        await page.Locator("form.search input[name=q]").FillAsync(words);
        await page.Locator("form.search input[name=q]").PressAsync("Enter");
        // The results' page itself, parsed to its footer, is what is waited for, never a load state: when the address
        // had changed by the time a wait for it began, Playwright's WaitForURLAsync waits for the "load" event instead,
        // which hung twice in CI runs though nothing was left to load. Only the new page has a heading with these words.
        await page.Locator("main h1", new() { HasText = words }).WaitForAsync();
        await page.Locator("footer.site").WaitForAsync();
        var address = Uri.UnescapeDataString(page.Url.Replace('+', ' '));
        Assert.Contains("q=" + words, address, StringComparison.Ordinal);
    }

    private static async Task SeedAsync(IFeedStore store, Source source, string title, string language, string html, DateTimeOffset published)
    {
        var article = new Article
        {
            SourceId = source.Id,
            Key = "id:" + title,
            ContentHash = title,
            Title = title,
            Link = $"{source.SiteUrl}posts/{Uri.EscapeDataString(title)}",
            Content = html,
            Language = language,
            Published = published,
            SortDate = published,
            FirstSeenAt = published,
            ChangedAt = published,
        };
        await store.SaveArticlesAsync([article], [], default);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
