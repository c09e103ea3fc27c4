using System.Data;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Curators;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using Npgsql;

namespace FeedHub.Tests.Admin;

/// <summary>
/// The search index's state where curators look: the sources page's header and <c>GET /api/sources</c> beside the
/// sources' health, on LiteDB (ready once open) and on PostgreSQL while its word-pairs index is built after start-up.
/// </summary>
public sealed class SearchIndexStatusTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task The_embedded_stores_index_is_ready_on_the_sources_page_and_in_the_api()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var api = await ApiAsync(app);
        using var curator = await AdminClient.SignedInAsync(app, "ada", Password);

        var index = await SearchIndexAsync(api);
        var page = await curator.GetStringAsync("/admin/sources");

        Assert.Equal("ready", index.GetProperty("phase").GetString());
        Assert.Equal(JsonValueKind.Null, index.GetProperty("since").ValueKind);
        Assert.Contains("""<p class="search-index search-index-ready">Search index: ready.</p>""", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_postgresql_the_phrases_index_shows_as_building_since_its_start_then_ready()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using (await PostgresFeedStore.OpenAsync(database.ConnectionString, default))
        {
            // The schema, so that the snapshot below is taken before the server starts and its index build with it.
        }

        // A snapshot older than the build's, held open: the server's concurrent build of the word-pairs index waits
        // for it to end before the index is valid, so the build is seen under way until the test lets it finish.
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using var reader = await dataSource.OpenConnectionAsync();
        await using var snapshot = await reader.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var look = new NpgsqlCommand("SELECT count(*) FROM articles", reader, snapshot))
        {
            await look.ExecuteScalarAsync();
        }

        await using var app = await TestApp.StartAsync(worker: false, settings: ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"]);
        var api = await ApiAsync(app);
        using var curator = await AdminClient.SignedInAsync(app, "ada", Password);

        var building = await TestApp.EventuallyAsync(() => SearchIndexAsync(api), index => index.GetProperty("phase").GetString() == "phrasesIndexBuilding");
        var page = await curator.GetStringAsync("/admin/sources");

        Assert.Equal("phrasesIndexBuilding", building.GetProperty("phase").GetString());
        var since = building.GetProperty("since").GetDateTimeOffset();
        Assert.InRange(since, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        Assert.Contains("""<p class="search-index search-index-phrasesindexbuilding">Search index: phrases index building since <time datetime=""", page, StringComparison.Ordinal);
        Assert.Contains($"""<time datetime="{since.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}" """, page, StringComparison.Ordinal);

        await snapshot.CommitAsync();
        var ready = await TestApp.EventuallyAsync(() => SearchIndexAsync(api), index => index.GetProperty("phase").GetString() == "ready");

        Assert.Equal("ready", ready.GetProperty("phase").GetString());
        Assert.Contains("Search index: ready.", await curator.GetStringAsync("/admin/sources"), StringComparison.Ordinal);
    }

    /// <summary>The app's client with the token of a new curator, "ada", who can also sign in with the password.</summary>
    private static async Task<HttpClient> ApiAsync(TestApp app)
    {
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return app.Http;
    }

    private static async Task<JsonElement> SearchIndexAsync(HttpClient api)
        => (await api.GetFromJsonAsync<JsonElement>("/api/sources")).GetProperty("searchIndex");
}
