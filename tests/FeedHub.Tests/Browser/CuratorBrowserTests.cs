using System.Globalization;
using System.Text.RegularExpressions;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>A curator's day in headless Chromium against a real Kestrel port, with Quartz polling a real local blog.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class CuratorBrowserTests(BrowserFixture browser)
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Sign_in_add_a_blog_by_its_home_page_see_it_healthy_then_broken_with_the_reason()
    {
        var broken = false;
        await using var blog = LocalHttpServer.Serving(request => (broken, request.Path) switch
        {
            (true, _) => HttpReply.Text(500, "database down"),
            (_, "/") => HttpReply.Text(200, """<!DOCTYPE html><html><head><title>Home</title><link rel="alternate" type="application/rss+xml" title="Browser Blog" href="/feed.xml"></head><body>Welcome</body></html>""", "text/html"),
            (_, "/feed.xml") => HttpReply.Text(200, FeedFixtures.Rss("Browser Blog", [0, 1, 2]), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync();
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        var (page, errors) = await browser.OpenAsync(1280, 900);

        await page.GotoAsync(new Uri(app.BaseUri, "/admin/sources").AbsoluteUri);
        await page.FillAsync("input[name=name]", "ada");
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]:has-text('Sign in')");
        Assert.Equal("Sources", await page.Locator("h1").InnerTextAsync());

        await page.ClickAsync("nav >> text=Add a source");
        await page.FillAsync("input[name=url]", blog.BaseUri.AbsoluteUri);
        await page.ClickAsync("button:has-text('Find feeds')");
        Assert.Equal("Browser Blog", await page.Locator("li.candidate h3").InnerTextAsync());
        Assert.Contains("Post number 0", await page.Locator("ul.preview").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "curator-add-preview");
        await page.FillAsync("input[name=categories]", "Friends");
        await page.ClickAsync("button:has-text('Subscribe')");
        Assert.Equal("Browser Blog", await page.Locator("h1").InnerTextAsync());
        var sourceId = (await app.Get<IFeedStore>().ListSourcesAsync(default)).Single().Id;

        await ReloadUntilAsync(page, "healthy");
        Assert.Contains("3", await page.Locator("dl.figures").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "curator-source-healthy");

        broken = true;
        for (var failures = 1; failures <= 3; failures++)
        {
            // The form posts and redirects back here; the next click or reload must wait for that page,
            // or it races the navigation ("Not attached to an active page").
            var reloaded = new TaskCompletionSource();
            void OnLoad(object? sender, IPage loadedPage) => reloaded.TrySetResult();
            page.Load += OnLoad;
            await page.ClickAsync("button:has-text('Refresh now')");
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            page.Load -= OnLoad;
            var expected = failures;
            await TestApp.EventuallyAsync(
                async () => (await app.Get<IFeedStore>().GetSourceAsync(sourceId, default))!.Fetch.ConsecutiveFailures,
                count => count >= expected);
        }

        await page.ReloadAsync();
        Assert.Equal("broken", await page.Locator("p .badge").InnerTextAsync());
        Assert.Contains("500 Internal Server Error", await page.Locator(".health-summary").InnerTextAsync(), StringComparison.Ordinal);
        await page.ClickAsync("nav >> text=Sources");
        var firstRow = page.Locator("table.sources tbody tr").First;
        Assert.Equal("broken", await firstRow.Locator(".badge").InnerTextAsync());
        // Three or more: on a busy machine the worker's own retry of the failed feed may come in besides the refreshes.
        var failedInARow = Regex.Match(await firstRow.InnerTextAsync(), @"broken: (\d+) polls in a row failed", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(failedInARow.Success && int.Parse(failedInARow.Groups[1].Value, CultureInfo.InvariantCulture) >= 3, await firstRow.InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "curator-sources-broken");
        Assert.Equal(["Failed to load resource: the server responded with a status of 401 (Unauthorized)"], errors.Distinct());
        await page.Context.CloseAsync();
    }

    private static async Task ReloadUntilAsync(IPage page, string status)
    {
        await TestApp.EventuallyAsync(
            async () =>
            {
                await page.ReloadAsync();
                return await page.Locator("p .badge").InnerTextAsync();
            },
            shown => shown == status);
        Assert.Equal(status, await page.Locator("p .badge").InnerTextAsync());
    }
}
