using System.Net;
using System.Text.RegularExpressions;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Admin;

/// <summary>The curator pages over HTTP with a cookie jar, as a browser without JavaScript uses them.</summary>
public sealed partial class AdminPagesTests
{
    private const string Password = "correct horse battery";

    public static TheoryData<string, string> AdminRoutes => new()
    {
        { "GET", "/admin" },
        { "GET", "/admin/sources" },
        { "GET", "/admin/sources/1" },
        { "POST", "/admin/sources/1" },
        { "POST", "/admin/sources/1/state" },
        { "POST", "/admin/sources/1/refresh" },
        { "POST", "/admin/sources/1/remove" },
        { "GET", "/admin/add?url=https://blog.example/" },
        { "POST", "/admin/add" },
        { "GET", "/admin/opml" },
        { "POST", "/admin/opml" },
        { "GET", "/admin/opml/export" },
        { "GET", "/admin/tokens" },
        { "POST", "/admin/tokens" },
        { "POST", "/admin/tokens/revoke" },
        { "POST", "/admin/signout" },
        { "POST", "/admin/sources/bulk" },
        { "POST", "/admin/sources/1/move" },
        { "POST", "/admin/opml/imports/1/undo" },
        { "GET", "/admin/curators" },
        { "POST", "/admin/curators" },
        { "POST", "/admin/curators/password" },
        { "POST", "/admin/curators/revoke-tokens" },
        { "POST", "/admin/curators/remove" },
    };

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task Every_admin_page_refuses_anonymous_visitors(string method, string path)
    {
        await using var app = await TestApp.StartAsync(worker: false);
        using var browser = Browser(app);

        var response = await browser.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new FormUrlEncodedContent([]) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\" action=\"/admin/signin\"", page, StringComparison.Ordinal);
        Assert.Contains(method == "GET" ? $"name=\"returnUrl\" value=\"{path}\"" : "name=\"returnUrl\" value=\"\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_curator_signs_in_adds_a_blog_through_the_preview_and_forms_without_the_antiforgery_token_are_refused()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path switch
        {
            "/" => HttpReply.Text(200, """<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Hi</body></html>""", "text/html"),
            "/feed.xml" => HttpReply.Text(200, FeedFixtures.Rss("Admin Blog", [0, 1]), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        using var browser = Browser(app);

        var signedIn = await SignInAsync(browser, "ada", Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/admin/sources", signedIn.Headers.Location?.OriginalString);

        var preview = await browser.GetAsync($"/admin/add?url={Uri.EscapeDataString(blog.BaseUri.AbsoluteUri)}");
        var previewHtml = await preview.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("Admin Blog", previewHtml, StringComparison.Ordinal);
        Assert.Contains("Post number 0", previewHtml, StringComparison.Ordinal);

        var forged = await browser.PostAsync("/admin/add", new FormUrlEncodedContent([new("url", blog.Url("feed.xml").AbsoluteUri)]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty(await app.Get<IFeedStore>().ListSourcesAsync(default));

        var added = await browser.PostAsync("/admin/add", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", Token(previewHtml)),
            new("url", blog.Url("feed.xml").AbsoluteUri),
            new("categories", "Tech, Friends"),
            new("displayName", ""),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var source = Assert.Single(await app.Get<IFeedStore>().ListSourcesAsync(default));
        Assert.Equal(["Tech", "Friends"], source.Categories);
        Assert.StartsWith($"/admin/sources/{source.Id}?message=", added.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var page = await browser.GetStringAsync($"/admin/sources/{source.Id}");
        Assert.Contains("Admin Blog", page, StringComparison.Ordinal);
        Assert.Contains("What happens to its articles?", page, StringComparison.Ordinal);
        var list = await browser.GetStringAsync("/admin/sources");
        Assert.Contains($"data-source=\"{source.Id}\"", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_curator_edits_pauses_and_removes_a_source_and_manages_api_tokens_from_the_pages()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Core.Model.Source { FeedUrl = "https://blog.example/feed", Title = "Blog", CreatedAt = DateTimeOffset.UtcNow }, default);
        using var browser = Browser(app);
        await SignInAsync(browser, "ada", Password);
        var token = Token(await browser.GetStringAsync($"/admin/sources/{source.Id}"));

        var edited = await browser.PostAsync($"/admin/sources/{source.Id}", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", token), new("displayName", "My <b>Blog</b>"), new("categories", "A, B, a"),
            new("extraction", "Never"), new("extractionSelector", "article"), new("minIntervalMinutes", "30"), new("maxIntervalMinutes", ""),
        ]));
        var refused = await browser.PostAsync($"/admin/sources/{source.Id}", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("minIntervalMinutes", "1")]));
        var paused = await browser.PostAsync($"/admin/sources/{source.Id}/state", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("state", "paused")]));

        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("the minimum poll interval must lie between 5 and 1440 minutes", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, paused.StatusCode);
        var stored = (await store.GetSourceAsync(source.Id, default))!;
        Assert.Equal("My <b>Blog</b>", stored.DisplayName);
        Assert.Equal(["A", "B"], stored.Categories);
        Assert.Equal(Core.Model.ExtractionMode.Never, stored.Extraction);
        Assert.Equal(TimeSpan.FromMinutes(30), stored.MinInterval);
        Assert.Equal(Core.Model.SourceState.Paused, stored.State);
        var page = await browser.GetStringAsync($"/admin/sources/{source.Id}");
        Assert.Contains("My &lt;b&gt;Blog&lt;/b&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("My <b>Blog</b>", page, StringComparison.Ordinal);

        var unanswered = await browser.PostAsync($"/admin/sources/{source.Id}/remove", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Contains("Say whether to keep the source&#x27;s articles", await unanswered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var removed = await browser.PostAsync($"/admin/sources/{source.Id}/remove", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("keepArticles", "false")]));
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Null(await store.GetSourceAsync(source.Id, default));

        var issuing = await browser.PostAsync("/admin/tokens", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.True(issuing.Headers.CacheControl?.NoStore, "a page showing a new token is never stored by a cache");
        var issued = await issuing.Content.ReadAsStringAsync();
        var newToken = NewToken().Match(issued).Groups[1].Value;
        var prefix = (await store.GetCuratorByNameAsync("ada", default))!.Tokens[^1].Prefix;
        Assert.StartsWith(prefix, newToken, StringComparison.Ordinal);
        await browser.PostAsync("/admin/tokens/revoke", new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("prefix", prefix)]));
        Assert.NotNull((await store.GetCuratorByNameAsync("ada", default))!.Tokens[^1].RevokedAt);
    }

    [Fact]
    public async Task Wrong_passwords_are_refused_and_sign_in_attempts_are_rate_limited()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Curators:SignInAttemptsPerMinute=3");
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        using var browser = Browser(app);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await SignInAsync(browser, "ada", "wrong password")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    private static HttpClient Browser(TestApp app)
        => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseUri };

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string name, string password)
    {
        var form = await browser.GetStringAsync("/admin/signin");
        return await browser.PostAsync("/admin/signin", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", Token(form)),
            new("name", name),
            new("password", password),
            new("returnUrl", ""),
        ]));
    }

    private static string Token(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    [GeneratedRegex("<code class=\"token\">(fh_[^<]+)</code>", RegexOptions.NonBacktracking)]
    private static partial Regex NewToken();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex AntiforgeryField();
}
