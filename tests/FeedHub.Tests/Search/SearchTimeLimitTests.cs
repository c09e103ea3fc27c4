using System.Net;
using System.Net.Http.Headers;
using FeedHub.Curators;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using Npgsql;

namespace FeedHub.Tests.Search;

/// <summary>
/// A PostgreSQL search stopped by its time limit answers 503 with what to try, as problem+json or a page, and the
/// store is not reported failing. The search is held up for real: another session locks the articles table.
/// </summary>
public sealed class SearchTimeLimitTests
{
    [Fact]
    public async Task A_search_stopped_by_its_time_limit_answers_503_with_what_to_try_and_readiness_stays()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var app = await TestApp.StartAsync(worker: false, settings: ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"]);
        var store = app.Get<Core.Storage.IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Rivers", "Nature");
        await StoreSeeder.ArticleAsync(store, source, "The river in spring", DateTimeOffset.UtcNow.AddHours(-1), "<p>The river rises every spring.</p>");
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", "correct horse battery", default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await using (var locker = new NpgsqlConnection(database.ConnectionString))
        {
            await locker.OpenAsync();
            await using var transaction = await locker.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE", locker, transaction))
            {
                await hold.ExecuteNonQueryAsync();
            }

            using var api = new HttpRequestMessage(HttpMethod.Get, "/api/articles?q=river");
            api.Headers.Accept.ParseAdd("application/json");
            using var problem = await app.Http.SendAsync(api);
            var json = await problem.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, problem.StatusCode);
            Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Search took too long", json, StringComparison.Ordinal);
            Assert.Contains("Try rarer words", json, StringComparison.Ordinal);

            using var asked = new HttpRequestMessage(HttpMethod.Get, "/?q=river");
            asked.Headers.Accept.ParseAdd("text/html");
            using var page = await app.Http.SendAsync(asked);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            await transaction.RollbackAsync();
        }

        // Ready once its first requests are warm (StartupWarmUp), which the held transaction may have kept waiting.
        var ready = await TestApp.EventuallyAsync(() => app.Http.GetAsync("/readyz"), answer => answer.IsSuccessStatusCode);
        Assert.Equal("ready", (await ready.Content.ReadAsStringAsync()).Trim());
        using var found = await app.Http.GetAsync("/api/articles?q=river");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains("The river in spring", await found.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
