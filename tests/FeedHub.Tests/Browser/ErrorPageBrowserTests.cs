using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;
using FeedHub.Web.Images;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>
/// Every error a person can meet in a browser is a page of the site, in its layout, that says what happened and
/// links on; scripts and API clients asking for JSON keep RFC 9457 problem+json.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed partial class ErrorPageBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private static readonly (string Name, int Width, int Height)[] Viewports = [("phone", 390, 844), ("desktop", 1280, 900)];
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Curators:SignInAttemptsPerMinute=2");
        await _app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        var store = _app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        await StoreSeeder.ArticleAsync(store, source, "A story", DateTimeOffset.UtcNow.AddHours(-2));
    }

    public static TheoryData<string, int, string, string, string> ReaderErrors => new()
    {
        { "/no/such/page", 404, "Page not found", "There is nothing at this address", "/" },
        { "/articles/999999", 404, "Article not found", "This article may have been removed with its source.", "/" },
        { "/?source=abc", 400, "This address is not quite right", "not in a form FeedHub understands", "/" },
        { "/digest/yesterday", 404, "No such day", "Digest pages are at /digest/yyyy-MM-dd", "/digest" },
        { "/digest/2026-13", 404, "No such day", "or /digest/yyyy-MM (a month)", "/digest" },
        { "/images/forged/aHR0cDovLzEwLjAuMC43L2EucG5n", 403, "Image not available", "this one is not signed, or was changed", "/" },
    };

    [Theory]
    [MemberData(nameof(ReaderErrors))]
    public async Task A_browser_meets_an_error_as_a_page_of_the_site_with_a_way_on(string path, int status, string heading, string explanation, string nextStep)
    {
        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            var response = await page.GotoAsync(new Uri(_app.BaseUri, path).AbsoluteUri);

            Assert.Equal(status, response!.Status);
            Assert.StartsWith("text/html", await response.HeaderValueAsync("content-type"), StringComparison.Ordinal);
            Assert.Contains("default-src 'none'", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
            Assert.Equal("FeedHub", await page.Locator("header.site a.brand").InnerTextAsync());
            Assert.True(await page.Locator("header.site nav").IsVisibleAsync());
            Assert.Equal(heading, await page.Locator("main h1").InnerTextAsync());
            Assert.Contains(explanation, await page.Locator("main .explanation").InnerTextAsync(), StringComparison.Ordinal);
            await BrowserFixture.ScreenshotAsync(page, $"error-{status}-{Slug().Replace(path.Trim('/'), "-")}-{name}");

            await page.Locator($"ul.next-steps a[href='{nextStep}']").First.ClickAsync();
            await page.ArriveAtAsync(new Uri(_app.BaseUri, nextStep).AbsoluteUri);
            Assert.Equal([$"Failed to load resource: the server responded with a status of {status} ({ReasonPhrase(status)})"], errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_image_opened_on_its_own_that_cannot_be_shown_says_why_in_a_page_of_the_site()
    {
        await using var site = LocalHttpServer.Serving(request => request.Path == "/gone.png" ? HttpReply.Text(404, "no such image") : null);
        var address = _app.Get<ImageLinks>().Of(site.Url("gone.png").AbsoluteUri);

        foreach (var (name, width, height) in Viewports)
        {
            var (page, errors) = await browser.OpenAsync(width, height);
            var response = await page.GotoAsync(new Uri(_app.BaseUri, address).AbsoluteUri);

            Assert.Equal(502, response!.Status);
            Assert.StartsWith("text/html", await response.HeaderValueAsync("content-type"), StringComparison.Ordinal);
            Assert.Equal("FeedHub", await page.Locator("header.site a.brand").InnerTextAsync());
            Assert.Equal("Image not available", await page.Locator("main h1").InnerTextAsync());
            var explanation = await page.Locator("main .explanation").InnerTextAsync();
            Assert.Contains(site.Url("gone.png").AbsoluteUri, explanation, StringComparison.Ordinal);
            Assert.Contains("404", explanation, StringComparison.Ordinal);
            await BrowserFixture.ScreenshotAsync(page, $"error-502-image-{name}");
            await page.Locator("ul.next-steps a[href='/']").ClickAsync();
            await page.ArriveAtAsync(_app.BaseUri.AbsoluteUri);
            Assert.Equal(["Failed to load resource: the server responded with a status of 502 (Bad Gateway)"], errors);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Scripts_and_API_clients_keep_problem_json()
    {
        foreach (var (path, status) in new[] { ("/articles/999999", 404), ("/?source=abc", 400), ("/no/such/page", 404) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var response = await _app.Http.SendAsync(request);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(status, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
        }

        foreach (var (path, status) in new[] { ("/api/no/such/thing", 404), ("/api/sources", 401) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
            var response = await _app.Http.SendAsync(request);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Too_many_sign_in_attempts_say_how_long_to_wait()
    {
        var (page, _) = await browser.OpenAsync(390, 844);
        await page.GotoAsync(new Uri(_app.BaseUri, "/admin/signin").AbsoluteUri);
        IResponse? refused = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await page.FillAsync("input[name=name]", "ada");
            await page.FillAsync("input[name=password]", "wrong password");
            var answer = await page.RunAndWaitForResponseAsync(
                () => page.ClickAsync("main button[type=submit]"),
                r => r.Request.Method == "POST" && r.Url.EndsWith("/admin/signin", StringComparison.Ordinal));
            Assert.Equal(attempt <= 2 ? 401 : 429, answer.Status);
            refused = answer;
        }

        var retryAfter = int.Parse((await refused!.HeaderValueAsync("retry-after"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("FeedHub curators", await page.Locator("header.site a.brand").InnerTextAsync());
        Assert.Equal("Too many sign-in attempts", await page.Locator("main h1").InnerTextAsync());
        Assert.Equal($"Wait {retryAfter} {(retryAfter == 1 ? "second" : "seconds")}, then try again.", await page.Locator("main .explanation").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "error-429-sign-in-phone");
        await page.ClickAsync("ul.next-steps a:has-text('Back to the sign-in form')");
        Assert.Equal(1, await page.Locator("input[name=password]").CountAsync());
        await page.Context.CloseAsync();

        using var script = new HttpClient { BaseAddress = _app.BaseUri };
        var form = await script.GetStringAsync("/admin/signin");
        var response = await script.PostAsync("/admin/signin", new FormUrlEncodedContent([new("__RequestVerificationToken", AntiforgeryField().Match(form).Groups[1].Value), new("name", "ada"), new("password", "x")]));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Contains("try again in", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Curator_pages_signed_out_show_the_sign_in_form_which_leads_back_and_a_missing_source_says_so()
    {
        var (page, _) = await browser.OpenAsync(1280, 900);
        var response = await page.GotoAsync(new Uri(_app.BaseUri, "/admin").AbsoluteUri);

        Assert.Equal(401, response!.Status);
        Assert.Equal("Curator sign-in", await page.Locator("main h1").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, "admin-signed-out-desktop");
        await page.FillAsync("input[name=name]", "ada");
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("main button[type=submit]");
        // The sources' page (curator pages have no footer); the sign-in form's heading is another.
        await page.Locator("main h1", new() { HasText = "Sources" }).WaitForAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(_app.BaseUri, "/admin/sources").AbsoluteUri, new() { Timeout = 30_000 });
        Assert.Equal("Sources", await page.Locator("main h1").InnerTextAsync());

        response = await page.GotoAsync(new Uri(_app.BaseUri, "/admin/sources/999").AbsoluteUri);
        Assert.Equal(404, response!.Status);
        Assert.Equal("No such source", await page.Locator("main h1").InnerTextAsync());
        Assert.StartsWith("Sign out", await page.Locator("header.site form button").InnerTextAsync(), StringComparison.Ordinal);
        await page.ClickAsync("ul.next-steps a:has-text('All sources')");
        Assert.Equal("Sources", await page.Locator("main h1").InnerTextAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_failure_on_the_server_is_a_page_that_offers_to_try_again()
    {
        await using var failing = await TestApp.StartAsync(worker: false);
        ((IDisposable)failing.Get<IFeedStore>()).Dispose();

        // Digest days are read from the store's files (categories and sources are also kept in memory): one per viewport.
        foreach (var ((name, width, height), day) in Viewports.Select((viewport, i) => (viewport, $"/digest/2026-01-{i + 1:00}")))
        {
            var (page, _) = await browser.OpenAsync(width, height);
            var response = await page.GotoAsync(new Uri(failing.BaseUri, day).AbsoluteUri);

            Assert.Equal(500, response!.Status);
            Assert.Contains("default-src 'none'", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
            Assert.Equal("Something went wrong on our side", await page.Locator("main h1").InnerTextAsync());
            Assert.Equal(day, await page.Locator("ul.next-steps a:has-text('Try again')").GetAttributeAsync("href"));
            await BrowserFixture.ScreenshotAsync(page, $"error-500-{name}");
            await page.Context.CloseAsync();
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/digest/2026-02-01");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var answer = await failing.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.NonBacktracking)]
    private static partial Regex Slug();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex AntiforgeryField();
}
