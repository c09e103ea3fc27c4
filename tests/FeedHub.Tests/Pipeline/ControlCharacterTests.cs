using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// Control characters from the web (a JSON feed escapes any, <c>\u0000</c> included; an address can carry <c>%00</c>)
/// on both stores: PostgreSQL refuses U+0000 in text, so one such character in one item failed every poll of its feed
/// and stored none of its posts, and a filter holding one answered 503 as if the store were down.
/// </summary>
public sealed class ControlCharacterTests
{
    private const string Feed = """
        {"version": "https://jsonfeed.org/version/1.1", "title": "Nul\u0000 Blog\u001d", "home_page_url": "https://nul.example/",
         "items": [
           {"id": "first\u0000", "url": "https://nul.example/posts/1", "title": "First\u0000 post\u001d", "tags": ["Te\u0000ch"],
            "authors": [{"name": "Ada\u0000 L."}], "content_html": "<p>Body\u0000 of the\u0007 first post</p>", "date_published": "2026-12-06T10:00:00Z"},
           {"id": "second", "url": "https://nul.example/posts/2", "title": "Second post", "content_html": "<p>A plain post</p>",
            "date_published": "2026-12-06T11:00:00Z"}
         ]}
        """;

    [Theory]
    [InlineData("litedb")]
    [InlineData("postgres")]
    public async Task A_feed_with_control_characters_is_stored_whole_and_without_them_and_addresses_holding_them_are_refused(string storage)
    {
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, Feed, "application/feed+json"));
        await using var database = storage == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
        await using var app = await TestApp.StartAsync(worker: false, settings: database is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"]);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var added = await app.Http.PostAsJsonAsync("/api/sources", new { url = blog.Url("feed.json").AbsoluteUri });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var polled = await app.Get<SourcePoller>().PollAsync(id, default);
        Assert.Null(polled.Error);
        Assert.Equal(2, polled.Added);

        var source = await app.Get<IFeedStore>().GetSourceAsync(id, default);
        Assert.Equal("Nul Blog", source!.Title);
        var articles = (await app.Get<IFeedStore>().ListArticlesAsync(new ArticleQuery { SourceIds = [id] }, default)).OrderBy(a => a.Link, StringComparer.Ordinal).ToList();
        Assert.Equal(["First post", "Second post"], articles.Select(a => a.Title));
        Assert.Equal("Ada L.", articles[0].Author);
        Assert.Equal(["Tech"], articles[0].Tags);
        Assert.Contains("Body of the first post", articles[0].Content, StringComparison.Ordinal);

        var atom = XDocument.Parse(await app.Http.GetStringAsync("/feed.atom"));
        Assert.Contains(atom.Descendants(XName.Get("title", "http://www.w3.org/2005/Atom")), title => title.Value == "First post");

        foreach (var address in (string[])["/?category=Te%00ch", "/feed.atom?category=Te%00ch", "/?q=first%00", "/api/articles?q=first%1B"])
        {
            var refused = await app.Http.GetAsync(address);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("control character", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/?category=Tech%09")).StatusCode);

        var renamed = await app.Http.PatchAsJsonAsync($"/api/sources/{id}", new { displayName = "Bad\u0000name", categories = (string[])["x\u0001y"] });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, renamed.StatusCode);
        Assert.Contains("cannot hold control characters", await renamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("litedb")]
    [InlineData("postgres")]
    public async Task A_page_served_where_a_feed_was_is_named_in_the_sources_health_without_its_control_characters(string storage)
    {
        // A bot challenge whose title carries a character reference to U+0000.
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(
            200, "<!DOCTYPE html><html><head><title>Just a&#0; moment...</title></head><body>Checking your browser</body></html>", "text/html"));
        await using var database = storage == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
        await using var app = await TestApp.StartAsync(worker: false, settings: database is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"]);
        var store = app.Get<IFeedStore>();
        var added = await store.AddSourceAsync(new Core.Model.Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);

        var polled = await app.Get<SourcePoller>().PollAsync(added.Id, default);

        Assert.Equal(PollOutcome.Failed, polled.Outcome);
        var source = await store.GetSourceAsync(added.Id, default);
        Assert.Equal(1, source!.Fetch.ConsecutiveFailures);
        Assert.EndsWith("(the page is titled \u201cJust a moment...\u201d)", source.Fetch.LastError, StringComparison.Ordinal);
    }
}
