using System.Text.RegularExpressions;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>
/// The first run as a newcomer meets it, in headless Chromium: <c>feedhub serve</c> started as its own process on a
/// fresh store, the set-up link read from its console, the first curator created, a blog added by its home page
/// (discovery on a real local server), its posts on the reading list: no restart. And the sources list on a phone.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class FirstRunBrowserTests(BrowserFixture browser) : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-first-run-").FullName;

    [Fact]
    public async Task A_newcomer_creates_the_first_curator_through_the_console_link_adds_a_blog_by_its_home_page_and_reads_it_without_a_restart()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path switch
        {
            "/" => HttpReply.Text(200, """<!DOCTYPE html><html><head><title>Home</title><link rel="alternate" type="application/rss+xml" title="First Run Blog" href="/feed.xml"></head><body>Welcome</body></html>""", "text/html"),
            "/feed.xml" => HttpReply.Text(200, FeedFixtures.Rss("First Run Blog", [0, 1, 2]), "application/rss+xml"),
            _ => null,
        });
        var port = FeedHubProcess.FreePort();
        using var server = FeedHubProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["FeedHub__Urls"] = $"http://127.0.0.1:{port}",
            ["FeedHub__StarterSources"] = string.Empty,
            ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
        }, "serve");
        var link = SetupLink().Match(await server.WaitForOutputLineAsync(line => line.Contains("/admin/setup?token=", StringComparison.Ordinal), TimeSpan.FromSeconds(90))).Value;
        var site = $"http://127.0.0.1:{port}";
        var (page, _) = await browser.OpenAsync(1280, 900);

        // /admin while nobody can sign in: the sign-in form says how to create the first curator.
        await page.GotoAsync(site + "/admin");
        Assert.Equal("No curator yet", await page.Locator("#first-run").InnerTextAsync());
        await page.ClickAsync("text=Create the first curator");
        await page.FillAsync("input[name=token]", link);
        await page.ClickAsync("button:has-text('Continue')");
        await page.FillAsync("input[name=name]", "ada");
        await page.FillAsync("input[name=password]", Password);
        await BrowserFixture.ScreenshotAsync(page, "first-run-form");
        await page.ClickAsync("button:has-text('Create the curator and sign in')");
        Assert.Equal("Welcome, ada", await page.Locator("h1").InnerTextAsync());
        Assert.StartsWith(CuratorAccounts.TokenMarker, await page.Locator("code.token").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "first-run-welcome");

        await page.ClickAsync("text=Add a source by a blog's address");
        await page.FillAsync("input[name=url]", blog.BaseUri.AbsoluteUri);
        await page.ClickAsync("button:has-text('Find feeds')");
        Assert.Equal("First Run Blog", await page.Locator("li.candidate h3").InnerTextAsync());
        await page.ClickAsync("button:has-text('Subscribe')");
        Assert.Equal("First Run Blog", await page.Locator("h1").InnerTextAsync());

        var river = await TestApp.EventuallyAsync(
            async () =>
            {
                await page.GotoAsync(site + "/");
                return await page.Locator("main").InnerTextAsync();
            },
            text => text.Contains("Post number 0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        Assert.Contains("Post number 2", river, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "first-run-river");

        // The same server all along, and the link is dead now.
        Assert.False(server.HasExited);
        Assert.Single(Regex.Matches(server.OutputSoFar, "FeedHub is running", RegexOptions.NonBacktracking));
        var again = await page.GotoAsync(link);
        Assert.Equal(409, again!.Status);
        Assert.Equal("FeedHub is set up", await page.Locator("h1").InnerTextAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_sources_list_fits_a_phone_tells_two_feeds_of_one_site_apart_and_pauses_a_selection()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        var store = app.Get<IFeedStore>();
        for (var i = 0; i < 30; i++)
        {
            var source = await StoreSeeder.SourceAsync(store, $"A rather long blog name number {i} about everything", "Long category name", "Friends");
            if (i < 3)
            {
                await store.ChangeSourceAsync(source.Id, stored =>
                {
                    stored.Fetch.PollCount = 3;
                    stored.Fetch.ConsecutiveFailures = 3;
                    stored.Fetch.LastError = "the server answered 500 Internal Server Error at https://a-very-long-host-name.example/with/a/long/path/feed.xml";
                    return true;
                }, default);
            }
        }

        var comments = await store.AddSourceAsync(new Source
        {
            FeedUrl = "https://a-rather-long-blog-name-number-5-about-everything.example/comments/feed/", Title = "A rather long blog name number 5 about everything",
            CreatedAt = DateTimeOffset.UtcNow,
        }, default);
        var (page, errors) = await browser.OpenAsync(390, 844);
        await page.GotoAsync(new Uri(app.BaseUri, "/admin/sources?sort=name&limit=200").AbsoluteUri);
        await page.FillAsync("input[name=name]", "ada");
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("button[type=submit]:has-text('Sign in')");

        Assert.Equal("Sources", await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page is no wider than the phone");
        var twins = page.Locator("tr", new PageLocatorOptions { HasText = "number 5 about" });
        Assert.Equal(2, await twins.CountAsync());
        Assert.Contains("/comments/feed/", await twins.Nth(0).Locator(".feed-url").InnerTextAsync() + await twins.Nth(1).Locator(".feed-url").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator($"tr[data-source='{comments.Id}'] .feed-url").IsVisibleAsync());
        await BrowserFixture.ScreenshotAsync(page, "admin-sources-phone");

        await page.CheckAsync($"tr[data-source='{comments.Id}'] input[type=checkbox]");
        await page.Locator("tbody tr input[type=checkbox]").First.CheckAsync();
        await page.ClickAsync("fieldset.bulk-actions button:has-text('Pause')");

        Assert.Contains("2 sources paused.", await page.Locator("p.notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(SourceState.Paused, (await store.GetSourceAsync(comments.Id, default))!.State);
        Assert.Equal(2, (await store.GetTalliesAsync(default)).ByHealth[Core.Curation.HealthStatus.Paused]);
        Assert.DoesNotContain(errors, e => !e.Contains("401", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [GeneratedRegex("http://\\S+/admin/setup\\?token=[A-Za-z0-9_-]+", RegexOptions.NonBacktracking)]
    private static partial Regex SetupLink();
}
