using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

/// <summary><c>PATCH /api/sources/{id}</c> with <c>feedUrl</c>: a source moves to a new address keeping its id, history and articles.</summary>
public sealed class SourceMoveTests
{
    private const string NewSitePage = """
        <!DOCTYPE html><html><head><title>New home</title>
        <link rel="alternate" type="application/rss+xml" title="Moved Blog" href="/new/feed.xml">
        </head><body><h1>New home</h1></body></html>
        """;

    private static readonly string[] Friends = ["Friends"];

    private static LocalHttpServer Blog() => LocalHttpServer.Serving(request => request.Path switch
    {
        "/old/feed.xml" => HttpReply.Text(200, FeedFixtures.Rss("Old Blog", [1, 2, 3]), "application/rss+xml"),
        "/new/" => HttpReply.Text(200, NewSitePage, "text/html; charset=utf-8"),
        "/new/feed.xml" => HttpReply.Text(200, FeedFixtures.Rss("Moved Blog", [0, 1, 2]), "application/rss+xml"),
        "/other/feed.xml" => HttpReply.Text(200, FeedFixtures.Rss("Other Blog", [5]), "application/rss+xml"),
        _ => null,
    });

    private static async Task<TestApp> StartAsync(bool allowPrivateNetworks = true)
    {
        var app = await TestApp.StartAsync(allowPrivateNetworks: allowPrivateNetworks, worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return app;
    }

    private static Task<HttpResponseMessage> PatchAsync(TestApp app, long id, object body)
        => app.Http.PatchAsync($"/api/sources/{id}", JsonContent.Create(body));

    [Fact]
    public async Task A_source_moved_to_a_blogs_new_home_keeps_its_id_settings_and_articles_and_polls_the_new_feed()
    {
        await using var blog = Blog();
        await using var app = await StartAsync();
        var added = await (await app.Http.PostAsJsonAsync("/api/sources", new { url = blog.Url("old/feed.xml").AbsoluteUri, categories = Friends, displayName = "Mine" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = added.GetProperty("id").GetInt64();
        var poller = app.Get<SourcePoller>();
        await poller.PollAsync(id, default);
        var store = app.Get<IFeedStore>();
        Assert.Equal(3, await store.CountArticlesAsync(id, default));

        var moved = await PatchAsync(app, id, new { feedUrl = blog.Url("new/").AbsoluteUri, extraction = "never" });

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var body = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("id").GetInt64());
        Assert.Equal(blog.Url("new/feed.xml").AbsoluteUri, body.GetProperty("feedUrl").GetString());
        Assert.Equal("Mine", body.GetProperty("name").GetString());
        Assert.Equal("never", body.GetProperty("extraction").GetString());
        var source = (await store.GetSourceAsync(id, default))!;
        Assert.Equal(["Friends"], source.Categories);
        Assert.Equal(blog.Url("old/feed.xml").AbsoluteUri, source.Fetch.MovedFrom);
        Assert.Null(source.Fetch.ETag);

        await poller.PollAsync(id, default);

        // Posts 1 and 2 are in both feeds: one article each; post 0 is new, post 3 stays from the old address.
        var articles = await store.ListArticlesAsync(new ArticleQuery { SourceIds = [id], Limit = 10 }, default);
        Assert.Equal(["Post number 0", "Post number 1", "Post number 2", "Post number 3"], articles.Select(a => a.Title));
        Assert.Single(await store.ListSourcesAsync(default));
        Assert.Contains(blog.Requests, r => r.Path == "/new/feed.xml");
    }

    [Fact]
    public async Task A_move_onto_another_sources_address_is_refused_with_409_and_that_sources_id()
    {
        await using var blog = Blog();
        await using var app = await StartAsync();
        var first = await (await app.Http.PostAsJsonAsync("/api/sources", new { url = blog.Url("old/feed.xml").AbsoluteUri })).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await app.Http.PostAsJsonAsync("/api/sources", new { url = blog.Url("other/feed.xml").AbsoluteUri })).Content.ReadFromJsonAsync<JsonElement>();

        var refused = await PatchAsync(app, first.GetProperty("id").GetInt64(), new { feedUrl = blog.Url("other/feed.xml").AbsoluteUri, displayName = "Renamed" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(second.GetProperty("id").GetInt64(), problem.GetProperty("existingId").GetInt64());
        var unchanged = (await app.Get<IFeedStore>().GetSourceAsync(first.GetProperty("id").GetInt64(), default))!;
        Assert.Equal(blog.Url("old/feed.xml").AbsoluteUri, unchanged.FeedUrl);
        Assert.Null(unchanged.DisplayName);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(app, 999, new { feedUrl = blog.Url("new/").AbsoluteUri })).StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/feed")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9/feed")]
    [InlineData("http://localhost:9/feed")]
    public async Task A_move_to_a_private_address_is_refused_and_says_how_to_allow_it(string url)
    {
        await using var app = await StartAsync(allowPrivateNetworks: false);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://blog.example/feed", CreatedAt = DateTimeOffset.UtcNow }, default);

        var refused = await PatchAsync(app, source.Id, new { feedUrl = url });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("FeedHub__Fetcher__AllowPrivateNetworks=true", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("https://blog.example/feed", (await store.GetSourceAsync(source.Id, default))!.FeedUrl);
    }
}
