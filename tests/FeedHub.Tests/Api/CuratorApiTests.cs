using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

/// <summary>The curator API on a real Kestrel port with a real LiteDB file.</summary>
public sealed class CuratorApiTests
{
    private const string SitePage = """
        <!DOCTYPE html><html><head><title>Test Blog</title>
        <link rel="alternate" type="application/rss+xml" title="Test Blog" href="/feed.xml">
        </head><body><h1>Test Blog</h1></body></html>
        """;

    public static TheoryData<string, string> CuratorRoutes => new()
    {
        { "GET", "/api/sources" },
        { "POST", "/api/sources" },
        { "POST", "/api/sources/discover" },
        { "GET", "/api/sources/1" },
        { "PATCH", "/api/sources/1" },
        { "DELETE", "/api/sources/1?keepArticles=true" },
        { "POST", "/api/sources/1/refresh" },
        { "POST", "/api/opml" },
        { "GET", "/api/opml" },
        { "GET", "/api/articles" },
        { "GET", "/api/articles/1" },
    };

    private static async Task<(TestApp App, string Token)> StartWithCuratorAsync(bool allowPrivateNetworks = true)
    {
        var app = await TestApp.StartAsync(allowPrivateNetworks: allowPrivateNetworks);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", "correct horse battery", default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (app, token);
    }

    private static LocalHttpServer Blog() => LocalHttpServer.Serving(request => request.Path switch
    {
        "/" => HttpReply.Text(200, SitePage, "text/html; charset=utf-8"),
        "/feed.xml" => HttpReply.Text(200, FeedFixtures.Rss("Test Blog", [0, 1, 2]), "application/rss+xml"),
        "/report.pdf" => HttpReply.Bytes(200, "%PDF-1.7\n1 0 obj\n"u8.ToArray(), "application/pdf"),
        _ => null,
    });

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [MemberData(nameof(CuratorRoutes))]
    public async Task Every_curator_route_refuses_anonymous_and_unknown_token_calls(string method, string path)
    {
        await using var app = await TestApp.StartAsync();
        await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);

        using var anonymous = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("{}") };
        using var forged = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("{}") };
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "fh_" + new string('x', 43));
        var refusedAnonymous = await app.Http.SendAsync(anonymous);
        var refusedForged = await app.Http.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, refusedAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refusedForged.StatusCode);
        Assert.Equal("application/problem+json", refusedAnonymous.Content.Headers.ContentType?.MediaType);
        Assert.Contains("feedhub curators add", await refusedAnonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_works_until_it_is_revoked_and_other_curators_tokens_keep_working()
    {
        await using var app = await TestApp.StartAsync();
        var accounts = app.Get<CuratorAccounts>();
        var (ada, adaToken) = await accounts.CreateAsync("ada", null, default);
        var (_, graceToken) = await accounts.CreateAsync("grace", null, default);

        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(app, adaToken));
        Assert.True(await accounts.RevokeTokenAsync("ada", ada.Tokens[0].Prefix, default));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(app, adaToken));
        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(app, graceToken));
        var stored = await app.Get<IFeedStore>().GetCuratorByNameAsync("ada", default);
        Assert.NotNull(stored!.Tokens[0].RevokedAt);
        Assert.NotNull(stored.Tokens[0].LastUsedAt);
    }

    private static async Task<HttpStatusCode> StatusWithAsync(TestApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sources");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await app.Http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Passwords_and_tokens_never_reach_the_database_file_in_clear()
    {
        const string password = "correct horse battery staple";
        string dataDirectory;
        string firstToken;
        string secondToken;
        string prefix;
        await using (var app = await TestApp.StartAsync())
        {
            dataDirectory = app.DataDirectory;
            var accounts = app.Get<CuratorAccounts>();
            var (curator, token) = await accounts.CreateAsync("ada", password, default);
            firstToken = token;
            secondToken = await accounts.IssueTokenAsync("ada", default);
            prefix = curator.Tokens[0].Prefix;
            Assert.NotNull(await accounts.CheckPasswordAsync("ada", password, default));
            Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(app, firstToken));
        }

        var bytes = Directory.GetFiles(dataDirectory, "*.db").SelectMany(File.ReadAllBytes).ToArray();

        Assert.True(Contains(bytes, "ada"), "the curator is in the file that was read");
        Assert.True(Contains(bytes, prefix), "the token's visible prefix is stored");
        Assert.False(Contains(bytes, password));
        Assert.False(Contains(bytes, firstToken));
        Assert.False(Contains(bytes, secondToken));
        Assert.False(Contains(bytes, firstToken[prefix.Length..]));
    }

    private static bool Contains(byte[] haystack, string text)
        => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0;

    [Fact]
    public async Task A_blog_is_added_by_its_home_page_and_a_second_add_is_recognised_as_a_duplicate()
    {
        await using var blog = Blog();
        var (app, _) = await StartWithCuratorAsync();
        await using var _app = app;

        var created = await app.Http.PostAsync("/api/sources", Json($$"""
            {"url":"{{blog.BaseUri}}","categories":["Tech","Friends"],"displayName":"My friend's blog","extraction":"always","minIntervalMinutes":30}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var source = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = source.GetProperty("id").GetInt64();
        Assert.Equal($"/api/sources/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(blog.Url("feed.xml").AbsoluteUri, source.GetProperty("feedUrl").GetString());
        Assert.Equal("My friend's blog", source.GetProperty("name").GetString());
        Assert.Equal("always", source.GetProperty("extraction").GetString());
        Assert.Equal(30, source.GetProperty("minIntervalMinutes").GetInt32());
        Assert.Equal(["Tech", "Friends"], source.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));

        var again = await app.Http.PostAsync("/api/sources", Json($$"""{"url":"{{blog.Url("feed.xml")}}?utm_source=newsletter#top"}"""));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, problem.GetProperty("existingId").GetInt64());
        Assert.Single(await app.Get<IFeedStore>().ListSourcesAsync(default));
    }

    [Fact]
    public async Task Discovery_previews_the_feeds_of_a_page_and_stores_nothing()
    {
        await using var blog = Blog();
        var (app, _) = await StartWithCuratorAsync();
        await using var _app = app;

        var response = await app.Http.PostAsync("/api/sources/discover", Json($$"""{"url":"{{blog.BaseUri}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var feed = Assert.Single(body.GetProperty("feeds").EnumerateArray());
        Assert.Equal(blog.Url("feed.xml").AbsoluteUri, feed.GetProperty("feedUrl").GetString());
        Assert.Equal("Test Blog", feed.GetProperty("title").GetString());
        Assert.Equal("Post number 0", feed.GetProperty("items")[0].GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, feed.GetProperty("subscribedSourceId").ValueKind);
        Assert.Empty(await app.Get<IFeedStore>().ListSourcesAsync(default));
    }

    [Fact]
    public async Task A_site_with_several_feeds_asks_the_curator_to_pick_one_and_stores_nothing()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path switch
        {
            "/" => HttpReply.Text(200, """
                <html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"><link rel="alternate" type="application/rss+xml" href="/comments/feed"></head></html>
                """, "text/html"),
            "/atom.xml" or "/comments/feed" => HttpReply.Text(200, FeedFixtures.Rss("Two Feeds", [0]), "application/rss+xml"),
            _ => null,
        });
        var (app, _) = await StartWithCuratorAsync();
        await using var _app = app;

        var response = await app.Http.PostAsync("/api/sources", Json($$"""{"url":"{{blog.BaseUri}}"}"""));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Several feeds found", problem.GetProperty("title").GetString());
        Assert.Equal([blog.Url("atom.xml").AbsoluteUri, blog.Url("comments/feed").AbsoluteUri],
            problem.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("feedUrl").GetString()));
        Assert.Empty(await app.Get<IFeedStore>().ListSourcesAsync(default));
        Assert.Equal(HttpStatusCode.Created, (await app.Http.PostAsync("/api/sources", Json($$"""{"url":"{{blog.Url("atom.xml")}}"}"""))).StatusCode);
    }

    [Fact]
    public async Task Pause_resume_refresh_and_remove_with_the_articles_question()
    {
        await using var blog = Blog();
        var (app, _) = await StartWithCuratorAsync();
        await using var _app = app;
        var created = await (await app.Http.PostAsync("/api/sources", Json($$"""{"url":"{{blog.Url("feed.xml")}}"}"""))).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt64();

        var paused = await app.Http.PatchAsync($"/api/sources/{id}", Json("""{"state":"paused","categories":["News"]}"""));
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("paused", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await app.Http.PostAsync($"/api/sources/{id}/refresh", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.PatchAsync($"/api/sources/{id}", Json("""{"state":"active"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.PostAsync($"/api/sources/{id}/refresh", null)).StatusCode);
        var healthy = await TestApp.EventuallyAsync(
            async () => await app.Http.GetFromJsonAsync<JsonElement>($"/api/sources/{id}"),
            s => s.GetProperty("health").GetProperty("status").GetString() == "healthy");
        Assert.Equal("healthy", healthy.GetProperty("health").GetProperty("status").GetString());
        Assert.Equal(["News"], healthy.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));

        var unanswered = await app.Http.DeleteAsync($"/api/sources/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, unanswered.StatusCode);
        Assert.Contains("keepArticles", await unanswered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.DeleteAsync($"/api/sources/{id}?keepArticles=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync($"/api/sources/{id}")).StatusCode);
        Assert.True(await app.Get<IFeedStore>().CountArticlesAsync(id, default) > 0);
    }

    [Fact]
    public async Task Bad_input_gets_a_4xx_with_a_clear_message_and_nothing_stored_changes()
    {
        await using var blog = Blog();
        var (app, _) = await StartWithCuratorAsync();
        await using var _app = app;
        var store = app.Get<IFeedStore>();
        var existing = await store.AddSourceAsync(new Source { FeedUrl = "https://kept.example/feed", Title = "Kept", CreatedAt = DateTimeOffset.UtcNow }, default);
        var before = JsonSerializer.Serialize(await store.ListSourcesAsync(default));

        await AssertProblemAsync(await app.Http.PostAsync("/api/sources", Json("""{"url":"http://no-such-host.invalid/feed"}""")),
            HttpStatusCode.UnprocessableEntity, "no-such-host.invalid");
        await AssertProblemAsync(await app.Http.PostAsync("/api/sources", Json($$"""{"url":"{{blog.Url("report.pdf")}}"}""")),
            HttpStatusCode.UnprocessableEntity, "is neither a feed nor a web page (it is application/pdf)");
        await AssertProblemAsync(await app.Http.PostAsync("/api/sources", Json("""{"url": "http://x.example/", """)),
            HttpStatusCode.BadRequest, "The request body is not valid JSON");
        await AssertProblemAsync(await app.Http.PostAsync("/api/sources", Json($$"""{"url":"{{blog.Url("feed.xml")}}","minIntervalMinutes":1}""")),
            HttpStatusCode.UnprocessableEntity, "the minimum poll interval must lie between 5 and 1440 minutes");
        await AssertProblemAsync(await app.Http.PatchAsync($"/api/sources/{existing.Id}", Json("""{"state":"retired"}""")),
            HttpStatusCode.UnprocessableEntity, "a source can be set active or paused");
        var tenMegabytes = new StringBuilder("<?xml version=\"1.0\"?><opml version=\"2.0\"><body>");
        while (tenMegabytes.Length < 10 * 1024 * 1024)
        {
            tenMegabytes.Append("<outline type=\"rss\" text=\"x\" xmlUrl=\"https://big.example/feed\"/>\n");
        }

        await AssertProblemAsync(await app.Http.PostAsync("/api/opml", new StringContent(tenMegabytes.Append("</body></opml>").ToString(), Encoding.UTF8, "text/x-opml")),
            HttpStatusCode.RequestEntityTooLarge, "split it into several files");
        await AssertProblemAsync(await app.Http.PostAsync("/api/opml", new StringContent("this is not xml", Encoding.UTF8, "text/x-opml")),
            HttpStatusCode.UnprocessableEntity, "No feed could be read");

        Assert.Equal(before, JsonSerializer.Serialize(await store.ListSourcesAsync(default)));
    }

    [Fact]
    public async Task A_private_address_is_refused_without_AllowPrivateNetworks_and_nothing_is_stored()
    {
        var (app, _) = await StartWithCuratorAsync(allowPrivateNetworks: false);
        await using var _app = app;

        await AssertProblemAsync(await app.Http.PostAsync("/api/sources", Json("""{"url":"http://192.168.1.20/feed"}""")),
            HttpStatusCode.UnprocessableEntity, "FeedHub:Fetcher:AllowPrivateNetworks=true");
        await AssertProblemAsync(await app.Http.PostAsync("/api/sources/discover", Json("""{"url":"http://127.0.0.1:9/"}""")),
            HttpStatusCode.UnprocessableEntity, "FeedHub:Fetcher:AllowPrivateNetworks=true");
        Assert.Empty(await app.Get<IFeedStore>().ListSourcesAsync(default));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_curator_api()
    {
        await using var app = await TestApp.StartAsync();

        var document = await app.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/sources", "/api/sources/{id}", "/api/sources/{id}/refresh", "/api/sources/discover", "/api/opml", "/api/articles", "/api/articles/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
