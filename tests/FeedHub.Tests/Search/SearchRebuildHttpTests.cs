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
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.Tests.Search;

/// <summary>
/// A LiteDB file whose search index was lost, served while the index is rebuilt in the background (held between two
/// batches): the river and the feeds answer at once, and every search says it is being rebuilt, with how far it got,
/// instead of answering "nothing found": the river's page in its layout, the API and a saved-search feed with 503 and
/// <c>Retry-After</c>, and a saved-search feed opened in a browser as a page saying it. Once released, the same
/// searches find what they should. A rebuild that fails says why and starts over after a wait.
/// </summary>
public sealed class SearchRebuildHttpTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("feedhub-search-rebuild-").FullName;

    [Fact]
    public async Task While_the_index_is_rebuilt_searches_answer_503_with_progress_and_everything_else_works()
    {
        var database = await SeedWithoutSearchIndexAsync();
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

        // Opened in a browser, the same feed is a page in the site's layout saying so, with the progress.
        using var opened = await app.Http.SendAsync(Browsing("/feed.atom?q=river"));
        var openedPage = await opened.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, opened.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), opened.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", opened.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<header class=\"site\">", openedPage, StringComparison.Ordinal);
        Assert.Contains("<h1>Search is being rebuilt</h1>", openedPage, StringComparison.Ordinal);
        Assert.Contains("The search index is being rebuilt: 1 of 3 articles so far. Everything else works meanwhile: try this search again in a minute.", openedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Something went wrong", openedPage, StringComparison.Ordinal);

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

    /// <summary>
    /// The rebuild fails half-way (the disk is full): searches stay refused, saying why, the log says it at warning,
    /// and everything else works, writes included; a minute later it starts over from nothing and is done, and
    /// searches find every article, those written meanwhile too.
    /// </summary>
    [Fact]
    public async Task A_failed_rebuild_says_why_and_starts_over_after_a_wait_while_everything_else_works()
    {
        var database = await SeedWithoutSearchIndexAsync();
        var batches = 0;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new WarningLog();
        var options = new LiteDbSearchOptions
        {
            RebuildBatchSize = 1,
            RebuildRetryDelay = TimeSpan.FromMinutes(1),
            Time = clock,
            BeforeRebuildBatch = _ => ++batches == 2 ? throw new IOException("No space left on device") : Task.CompletedTask,
        };
        await using var app = await TestApp.StartAsync(_dataDirectory, allowPrivateNetworks: true, worker: false,
            replace: services => services.AddSingleton<IFeedStore>(_ => new LiteDbFeedStore(database, options, log)));
        var store = (LiteDbFeedStore)app.Get<IFeedStore>();
        var warning = await log.First.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains(Path.Combine(_dataDirectory, "feedhub.search"), warning, StringComparison.Ordinal);
        Assert.Contains("No space left on device", warning, StringComparison.Ordinal);
        Assert.Contains("starts again from nothing in 1 min", warning, StringComparison.Ordinal);
        Assert.False(store.SearchIndexReady.IsCompleted);

        // The curators' view says it failed, and why.
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        using (var api = new HttpClient { BaseAddress = app.BaseUri })
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var index = (await api.GetFromJsonAsync<JsonElement>("/api/sources")).GetProperty("searchIndex");
            Assert.Equal(("failed", "No space left on device"), (index.GetProperty("phase").GetString(), index.GetProperty("error").GetString()));
        }

        using (var curator = await AdminClient.SignedInAsync(app, "ada", Password))
        {
            Assert.Contains(
                """<p class="search-index search-index-failed">Search index: its rebuild failed (No space left on device); it starts over in a few minutes""",
                await curator.GetStringAsync("/admin/sources"), StringComparison.Ordinal);
        }

        using (var river = await app.Http.SendAsync(RiverSearch()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, river.StatusCode);
            Assert.Contains("Search could not be rebuilt (No space left on device); it starts over in a few minutes", await river.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Searches are refused with 503, saying why; the rest works, and a poll's write is stored.
        using (var feed = await app.Http.GetAsync("/feed.atom?q=river"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, feed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), feed.Headers.RetryAfter?.Delta);
            Assert.Contains("could not be rebuilt (No space left on device)", await feed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var page = await app.Http.SendAsync(Browsing("/feed.atom?q=river")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Contains("The search index could not be rebuilt (No space left on device)", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var notes = Assert.Single(await store.ListSourcesAsync(default));
        await StoreSeeder.ArticleAsync(store, notes, "River walk written meanwhile", DateTimeOffset.UtcNow);
        Assert.Contains("River walk written meanwhile", await app.Http.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Equal(4, new FeedReader().Read(await app.Http.GetByteArrayAsync("/feed.atom")).Items.Count);

        // A minute later it starts over, and is done.
        clock.Advance(TimeSpan.FromMinutes(1));
        await store.SearchIndexReady.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, new FeedReader().Read(await app.Http.GetByteArrayAsync("/feed.atom?q=river")).Items.Count);
        Assert.Equal(SearchIndexStatus.Ready, await store.GetSearchIndexStatusAsync(default));
        Assert.Single(log.Warnings);
    }

    /// <summary>A store of three articles whose search index folder is gone, as after an upgrade or a restored backup: its file.</summary>
    private async Task<string> SeedWithoutSearchIndexAsync()
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
        return database;
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    /// <summary>The river's search for "river", as a browser asks for it.</summary>
    private static HttpRequestMessage RiverSearch() => Browsing("/?q=river");

    /// <summary>An address as a browser opens it (asking for HTML first, as Chromium does).</summary>
    private static HttpRequestMessage Browsing(string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return request;
    }

    /// <summary>The store's warnings, the first of them awaited.</summary>
    private sealed class WarningLog : ILogger<LiteDbFeedStore>
    {
        private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> First => _first.Task;

        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Warning)
            {
                return;
            }

            var message = formatter(state, exception);
            lock (Warnings)
            {
                Warnings.Add(message);
            }

            _first.TrySetResult(message);
        }
    }
}
