using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Tests.Api;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>
/// Cached pages and feeds are rendered again only when what they show changes: a new article in one category leaves
/// another category's pages, its sources' pages and the digest's past days cached (counted by <c>/metrics</c>).
/// </summary>
public sealed class ResponseCacheTests
{
    [Fact]
    public async Task A_new_article_in_one_category_renders_again_only_the_pages_that_show_it()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = app.Get<IFeedStore>();
        var digest = app.Get<Digest>();
        var tech = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        var science = await StoreSeeder.SourceAsync(store, "Lab Notes", "Science");
        // A day of last month: this month's calendar shows today, whose new post may change it.
        var pastDay = new DateOnly(digest.Today.Year, digest.Today.Month, 1).AddDays(-10);
        var (pastStart, _) = digest.Bounds(pastDay);
        await StoreSeeder.ArticleAsync(store, tech, "Old tech post", pastStart.AddHours(9));
        await StoreSeeder.ArticleAsync(store, science, "Old science post", pastStart.AddHours(10));
        await StoreSeeder.ArticleAsync(store, science, "Recent science post", DateTimeOffset.UtcNow.AddMinutes(-5));
        var day = pastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string[] untouched = ["/?category=Science", $"/?source={science.Id}", "/feed.atom?category=Science", $"/digest/{day}", "/digest.atom", "/blogroll", "/subscribe", "/sources.opml"];
        string[] touched = ["/", "/feed.atom", "/?category=Tech", $"/?source={tech.Id}"];
        var etags = new Dictionary<string, EntityTagHeaderValue>();
        foreach (var path in untouched.Concat(touched))
        {
            using var response = await app.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            etags[path] = response.Headers.ETag!;
            Assert.Equal(0, await RendersAsync(app, path));
        }

        await StoreSeeder.ArticleAsync(store, tech, "Brand new tech post", DateTimeOffset.UtcNow);

        foreach (var path in untouched)
        {
            Assert.Equal(0, await RendersAsync(app, path));
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.IfNoneMatch.Add(etags[path]);
            Assert.Equal(HttpStatusCode.NotModified, (await app.Http.SendAsync(request)).StatusCode);
        }

        foreach (var path in touched)
        {
            Assert.Equal(1, await RendersAsync(app, path));
            Assert.Contains("Brand new tech post", await app.Http.GetStringAsync(path), StringComparison.Ordinal);
        }

        // What readers see of a source is on every page: a rename renders them all again.
        await store.ChangeSourceAsync(science.Id, stored =>
        {
            stored.DisplayName = "The Lab";
            return true;
        }, default);
        foreach (var path in untouched)
        {
            Assert.Equal(1, await RendersAsync(app, path));
        }
    }

    [Fact]
    public async Task A_post_on_a_past_day_renders_that_day_again_and_leaves_the_others()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = app.Get<IFeedStore>();
        var digest = app.Get<Digest>();
        var source = await StoreSeeder.SourceAsync(store, "Daily Notes", "Notes");
        var thisMonth = new DateOnly(digest.Today.Year, digest.Today.Month, 1);
        var days = new[] { thisMonth.AddMonths(-3).AddDays(3), thisMonth.AddMonths(-3).AddDays(4), thisMonth.AddMonths(-1).AddDays(5) };
        foreach (var day in days)
        {
            await StoreSeeder.ArticleAsync(store, source, $"Post of {day:yyyy-MM-dd}", digest.Bounds(day).Start.AddHours(12));
        }

        var paths = days.Select(day => "/digest/" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        foreach (var path in paths)
        {
            await app.Http.GetStringAsync(path);
        }

        await StoreSeeder.ArticleAsync(store, source, "A late post", digest.Bounds(days[1]).Start.AddHours(13));

        Assert.Equal(0, await RendersAsync(app, paths[0]));
        Assert.Equal(1, await RendersAsync(app, paths[1]));
        Assert.Contains("A late post", await app.Http.GetStringAsync(paths[1]), StringComparison.Ordinal);
        Assert.Equal(0, await RendersAsync(app, paths[2]));
    }

    /// <summary>How many responses a GET of <paramref name="path"/> rendered (0 when it was served from the cache).</summary>
    private static async Task<double> RendersAsync(TestApp app, string path)
    {
        var before = await RenderCountAsync(app);
        using var response = await app.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await RenderCountAsync(app) - before;
    }

    private static async Task<double> RenderCountAsync(TestApp app)
        => SourceHealthTests.Samples(await app.Http.GetStringAsync("/metrics"))
            .Where(sample => sample.Key.StartsWith("feedhub_responses_rendered", StringComparison.Ordinal)).Sum(sample => sample.Value);
}
