using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Core.Parser;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Storage.LiteDb;
using FeedHub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.Tests.Search;

/// <summary>
/// A LiteDB file whose search index was lost, served while the index is rebuilt in the background (held between two
/// batches): the river and the feeds answer at once, and every search says it is being rebuilt, with how far it got,
/// instead of answering "nothing found": the river's page in its layout, the API and a saved-search feed with 503 and
/// <c>Retry-After</c>. Once released, the same searches find what they should.
/// </summary>
public sealed class SearchRebuildHttpTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("feedhub-search-rebuild-").FullName;

    [Fact]
    public async Task While_the_index_is_rebuilt_searches_answer_503_with_progress_and_everything_else_works()
    {
        var database = Path.Combine(_dataDirectory, "feedhub.db");
        using (var seeding = new LiteDbFeedStore(database))
        {
            var source = await StoreSeeder.SourceAsync(seeding, "River Notes", "Nature");
            for (var i = 0; i < 3; i++)
            {
                await StoreSeeder.ArticleAsync(seeding, source, $"River walk {i}", DateTimeOffset.UtcNow.AddHours(-i - 1));
            }
        }

        Directory.Delete(Path.Combine(_dataDirectory, "feedhub.search"), recursive: true);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = 0;
        var options = new LiteDbSearchOptions
        {
            RebuildBatchSize = 1,
            BeforeRebuildBatch = async stopping =>
            {
                if (++batches == 2)
                {
                    held.SetResult();
                    await released.Task.WaitAsync(stopping);
                }
            },
        };
        await using var app = await TestApp.StartAsync(_dataDirectory, allowPrivateNetworks: true, worker: false,
            replace: services => services.AddSingleton<IFeedStore>(_ => new LiteDbFeedStore(database, options)));
        var store = (LiteDbFeedStore)app.Get<IFeedStore>();
        await held.Task;

        // Everything but search answers as usual.
        var river = await app.Http.GetStringAsync("/");
        Assert.Contains("River walk 2", river, StringComparison.Ordinal);
        Assert.Equal(3, new FeedReader().Read(await app.Http.GetByteArrayAsync("/feed.atom")).Items.Count);

        // The river's page says it, in its layout, with the progress, and not "no post matches".
        using var page = await app.Http.SendAsync(RiverSearch());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), page.Headers.RetryAfter?.Delta);
        Assert.Contains("<form class=\"search\"", html, StringComparison.Ordinal);
        Assert.Contains("Search is being rebuilt (since <time datetime=", html, StringComparison.Ordinal);
        Assert.Contains("1 of 3 posts indexed so far.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("No post matches", html, StringComparison.Ordinal);

        // A saved-search feed is refused, never served empty.
        using var feed = await app.Http.GetAsync("/feed.atom?q=river");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, feed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), feed.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", feed.Content.Headers.ContentType?.MediaType);

        // The API: problem+json with the index's state; curators see it beside the sources.
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var api = await app.Http.GetAsync("/api/articles?q=river");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), api.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Search is being rebuilt", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal("building", problem.RootElement.GetProperty("searchIndex").GetProperty("phase").GetString());
        }

        var index = (await app.Http.GetFromJsonAsync<JsonElement>("/api/sources")).GetProperty("searchIndex");
        Assert.Equal(("building", 1, 3), (index.GetProperty("phase").GetString(), index.GetProperty("done").GetInt64(), index.GetProperty("total").GetInt64()));
        using (var curator = await AdminClient.SignedInAsync(app, "ada", Password))
        {
            Assert.Contains(
                """<p class="search-index search-index-building">Search index: being rebuilt since <time datetime=""",
                await curator.GetStringAsync("/admin/sources"), StringComparison.Ordinal);
        }

        released.SetResult();
        await store.SearchIndexReady;

        Assert.Equal("ready", (await app.Http.GetFromJsonAsync<JsonElement>("/api/sources")).GetProperty("searchIndex").GetProperty("phase").GetString());
        Assert.Equal(3, new FeedReader().Read(await app.Http.GetByteArrayAsync("/feed.atom?q=river")).Items.Count);
        using var found = await app.Http.SendAsync(RiverSearch());
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains("<mark>River</mark>", await found.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    /// <summary>The river's search for "river", as a browser asks for it.</summary>
    private static HttpRequestMessage RiverSearch()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/?q=river");
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }
}
