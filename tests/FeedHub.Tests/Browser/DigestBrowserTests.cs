using System.Globalization;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Browser;

/// <summary>
/// The digest in a real Chromium: it opens on the last finished day, today is labelled as not over, previous/next
/// jump over empty days in one step, the calendar names its month and links only days with posts, and month pages
/// reach any past day.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class DigestBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly (string Name, int Width, int Height)[] Viewports = [("phone", 390, 844), ("desktop", 1280, 900)];
    private TestApp _app = null!;
    private Digest _digest = null!;

    /// <summary>Days with posts, counted back from today: today (unfinished), yesterday, five days ago, seventy days ago.</summary>
    private static readonly int[] DaysBack = [0, 1, 5, 70];

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        _digest = _app.Get<Digest>();
        var store = _app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        foreach (var back in DaysBack)
        {
            var (start, _) = _digest.Bounds(_digest.Today.AddDays(-back));
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < 2; i++)
            {
                // Today's posts are already published (never later than now).
                var at = back == 0 ? Min(start.AddMinutes(i), now) : start.AddHours(9 + i);
                await StoreSeeder.ArticleAsync(store, source, $"Day -{back} post {i}", at);
            }
        }
    }

    [Fact]
    public async Task The_digest_opens_on_the_last_finished_day_and_steps_over_empty_days()
    {
        var today = _digest.Today;
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.GotoAsync(new Uri(_app.BaseUri, "/digest").AbsoluteUri);

            Assert.Equal($"Digest for {Long(today.AddDays(-1))}", await page.Locator("main h1").InnerTextAsync());
            Assert.Equal(0, await page.Locator(".so-far").CountAsync());
            Assert.Equal(["Day -1 post 1", "Day -1 post 0"], await page.Locator(".digest li a").AllInnerTextsAsync());
            await BrowserFixture.ScreenshotAsync(page, $"digest-opens-{name}");

            // Back: four empty days, then sixty-four, each crossed in one step.
            await FollowAsync(page, ".digest-nav a[rel=prev]");
            Assert.EndsWith(Day(today.AddDays(-5)), page.Url, StringComparison.Ordinal);
            Assert.Equal(["Day -5 post 1", "Day -5 post 0"], await page.Locator(".digest li a").AllInnerTextsAsync());
            await FollowAsync(page, ".digest-nav a[rel=prev]");
            Assert.EndsWith(Day(today.AddDays(-70)), page.Url, StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator(".digest-nav a[rel=prev]").CountAsync());

            // Forward again, up to today, which says it is not over.
            await FollowAsync(page, ".digest-nav a[rel=next]");
            Assert.EndsWith(Day(today.AddDays(-5)), page.Url, StringComparison.Ordinal);
            await FollowAsync(page, ".digest-nav a[rel=next]");
            await FollowAsync(page, ".digest-nav a[rel=next]");
            Assert.EndsWith(Day(today), page.Url, StringComparison.Ordinal);
            Assert.Equal($"Digest for {Long(today)} (so far)", await page.Locator("main h1").InnerTextAsync());
            Assert.True(await page.Locator(".so-far").IsVisibleAsync());
            Assert.Equal(0, await page.Locator(".digest-nav a[rel=next]").CountAsync());
            await BrowserFixture.ScreenshotAsync(page, $"digest-today-{name}");
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_calendar_names_its_month_links_only_days_with_posts_and_months_reach_any_past_day()
    {
        var today = _digest.Today;
        var longAgo = today.AddDays(-70);
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            await page.GotoAsync(new Uri(_app.BaseUri, "/digest").AbsoluteUri);

            var monthOfYesterday = today.AddDays(-1);
            Assert.Equal(monthOfYesterday.ToString("Y", CultureInfo.GetCultureInfo("en")), await page.Locator("table.calendar caption").InnerTextAsync());
            var linked = await page.Locator("table.calendar td a").AllInnerTextsAsync();
            var expected = DaysBack.Select(back => today.AddDays(-back)).Where(d => d.Month == monthOfYesterday.Month && d.Year == monthOfYesterday.Year).Select(d => d.Day.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal);
            Assert.Equal(expected, linked.Order(StringComparer.Ordinal));
            Assert.Equal(DateTime.DaysInMonth(monthOfYesterday.Year, monthOfYesterday.Month) - linked.Count, await page.Locator("table.calendar td.none").CountAsync());
            Assert.Equal(0, await page.Locator("table.calendar td.none a").CountAsync());

            // The month's page, then back month by month (only months with posts) to a day ten weeks ago.
            await FollowAsync(page, "table.calendar caption a");
            Assert.EndsWith(Month(monthOfYesterday), page.Url, StringComparison.Ordinal);
            Assert.Equal($"Digests of {monthOfYesterday.ToString("Y", CultureInfo.GetCultureInfo("en"))}", await page.Locator("main h1").InnerTextAsync());
            await BrowserFixture.ScreenshotAsync(page, $"digest-month-{name}");
            while (!page.Url.EndsWith(Month(longAgo), StringComparison.Ordinal))
            {
                await FollowAsync(page, ".month-nav a[rel=prev]");
            }

            Assert.Equal(0, await page.Locator(".month-nav a[rel=prev]").CountAsync());
            await FollowAsync(page, $"ul.days a[href='{Day(longAgo)}']");
            Assert.Equal($"Digest for {Long(longAgo)}", await page.Locator("main h1").InnerTextAsync());
            Assert.Equal(["Day -70 post 1", "Day -70 post 0"], await page.Locator(".digest li a").AllInnerTextsAsync());
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Without_posts_yesterday_the_digest_opens_on_the_last_day_that_had_some()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var digest = app.Get<Digest>();
        var source = await StoreSeeder.SourceAsync(app.Get<IFeedStore>(), "Tech Notes", "Tech");
        var (start, _) = digest.Bounds(digest.Today.AddDays(-3));
        await StoreSeeder.ArticleAsync(app.Get<IFeedStore>(), source, "Three days ago", start.AddHours(12));

        var (page, errors) = await browser.OpenAsync(1280, 900);
        await page.GotoAsync(new Uri(app.BaseUri, "/digest").AbsoluteUri);

        Assert.Equal($"Digest for {Long(digest.Today.AddDays(-3))}", await page.Locator("main h1").InnerTextAsync());
        Assert.Equal(0, await page.Locator(".digest-nav a").CountAsync());
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    /// <summary>Follows a link of the page and waits until its page is there.</summary>
    private static async Task FollowAsync(Microsoft.Playwright.IPage page, string selector)
    {
        var target = new Uri(new Uri(page.Url), await page.Locator(selector).GetAttributeAsync("href")).AbsoluteUri;
        await page.ClickAsync(selector);
        await page.ArriveAtAsync(target);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string Long(DateOnly date) => date.ToString("dddd d MMMM yyyy", CultureInfo.GetCultureInfo("en"));

    private static string Day(DateOnly date) => "/digest/" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Month(DateOnly date) => "/digest/" + date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
