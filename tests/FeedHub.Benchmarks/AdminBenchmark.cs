using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FeedHub.Benchmarks;

/// <summary>
/// The curator's pages at scale, served by a real FeedHub web node over HTTP on both stores:
/// <code>
/// admin [--sources N] [--articles N] [--requests N] [--stores litedb,postgres] [--data DIR] [--fresh]
/// </code>
/// The stores are seeded in bulk with N sources (a mix of health states, 200 categories) and N articles, kept (LiteDB
/// in DIR, PostgreSQL in a database named after the sizes on FEEDHUB_TEST_POSTGRES) and reused by the next run.
/// Each request kind is sent sequentially after a warm-up; latency p50/p95/max is printed with the number of requests,
/// beside <c>/healthz</c> (no work at all) measured in the same run as the machine's floor.
/// </summary>
public static partial class AdminBenchmark
{
    private const int SeedBatch = 5000;
    private const int Categories = 200;
    private const string Password = "benchmark password";
    private static readonly DateTimeOffset RiverStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PolledAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var (sources, articles, requests) = (10_000, 1_000_000, 300);
        var data = Path.Combine(Path.GetTempPath(), "feedhub-admin-bench");
        var fresh = false;
        string[] stores = ["litedb", "postgres"];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sources" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var s) && s >= Categories:
                    sources = s;
                    i++;
                    break;
                case "--articles" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var a) && a >= 0:
                    articles = a;
                    i++;
                    break;
                case "--requests" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var r) && r >= 20:
                    requests = r;
                    i++;
                    break;
                case "--data" when i + 1 < args.Length:
                    data = args[++i];
                    break;
                case "--stores" when i + 1 < args.Length:
                    stores = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--fresh":
                    fresh = true;
                    break;
                default:
                    Console.Error.WriteLine($"usage: FeedHub.Benchmarks admin [--sources N (>= {Categories})] [--articles N] [--requests N (>= 20)] [--stores litedb,postgres] [--data DIR] [--fresh]");
                    return 2;
            }
        }

        Console.WriteLine(string.Create(Invariant,
            $"admin benchmark: {sources:N0} sources in {Categories} categories, {articles:N0} articles, {requests} sequential requests per kind after a warm-up; target p95 <= 100 ms"));
        foreach (var store in stores)
        {
            var kind = store.ToUpperInvariant();
            var settings = kind switch
            {
                "LITEDB" => await SeedLiteDbAsync(Path.Combine(data, string.Create(Invariant, $"litedb-{sources}-{articles}")), sources, articles, fresh),
                "POSTGRES" => await SeedPostgresAsync(sources, articles, fresh),
                _ => null,
            };
            if (settings is null)
            {
                Console.Error.WriteLine($"store '{store}' is unknown or could not be seeded: use litedb or postgres (postgres needs FEEDHUB_TEST_POSTGRES)");
                return kind is "LITEDB" or "POSTGRES" ? 1 : 2;
            }

            await MeasureAsync(kind == "LITEDB" ? "LiteDB" : "PostgreSQL", settings, requests);
        }

        return 0;
    }

    /// <summary>Serves the seeded store from a web node and times each page kind over HTTP.</summary>
    private static async Task MeasureAsync(string name, string[] storeSettings, int requests)
    {
        var opening = Stopwatch.StartNew();
        var (app, address) = await BenchWebNode.StartAsync(storeSettings);
        await using var node = app;
        var accounts = app.Services.GetRequiredService<CuratorAccounts>();
        var token = await accounts.IssueTokenAsync(await EnsureCuratorAsync(accounts), CancellationToken.None);
        var store = app.Services.GetRequiredService<IFeedStore>();
        var tallies = await store.GetTalliesAsync(CancellationToken.None);
        var articles = await store.CountArticlesAsync(null, CancellationToken.None);
        Console.WriteLine(string.Create(Invariant,
            $"{name,-10} serving {tallies.Sources:N0} sources ({string.Join(", ", tallies.ByHealth.Where(h => h.Value > 0).Select(h => $"{h.Value:N0} {h.Key.ToString().ToLowerInvariant()}"))}) and {articles:N0} articles; started in {opening.Elapsed.TotalSeconds:F1} s"));

        using var anonymous = new HttpClient { BaseAddress = new Uri(address) };
        using var api = new HttpClient { BaseAddress = new Uri(address) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var curator = await SignedInAsync(address);
        var deep = await LaterPageAsync(api, pages: 100);
        // Source i is in category i % 200 and broken when i % 100 is 0 or 1, degraded when it is 2 to 6: these two
        // categories hold 50 broken and 50 degraded sources, so the filtered pages are full pages.
        var (brokenCategory, degradedCategory) = (Uri.EscapeDataString("Category 100"), Uri.EscapeDataString("Category 102"));
        var kinds = new (string Label, HttpClient Client, string Path)[]
        {
            ("baseline: /healthz (no work)", anonymous, "/healthz"),
            ("baseline: /admin/add (signed in, no list)", curator, "/admin/add"),
            ("admin sources page, first (signed in)", curator, "/admin/sources"),
            ("admin sources page, degraded in a category", curator, $"/admin/sources?status=degraded&category={degradedCategory}"),
            ("admin sources page, search 'blog-4242'", curator, "/admin/sources?q=blog-4242"),
            ("GET /api/sources, first page", api, "/api/sources"),
            ("GET /api/sources, broken in a category", api, $"/api/sources?status=broken&category={brokenCategory}"),
            ("GET /api/sources, page 101 (cursor)", api, "/api/sources?after=" + Uri.EscapeDataString(deep)),
            ("GET /api/sources?q=blog-4242 (one match)", api, "/api/sources?q=blog-4242"),
            ("GET /api/sources?q=example (every source)", api, "/api/sources?q=example"),
            ("GET /api/sources?q=zzz-nothing (none)", api, "/api/sources?q=zzz-nothing"),
            ("/metrics (anonymous)", anonymous, "/metrics"),
        };
        foreach (var (label, client, path) in kinds)
        {
            await ReportAsync(name, label, requests, client, path);
        }

        await app.StopAsync();
    }

    private static async Task ReportAsync(string store, string label, int count, HttpClient client, string path)
    {
        for (var i = 0; i < 20; i++)
        {
            (await client.GetAsync(path)).EnsureSuccessStatusCode();
        }

        var milliseconds = new double[count];
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsByteArrayAsync();
            milliseconds[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            bytes = body.Length;
        }

        Array.Sort(milliseconds);
        Console.WriteLine(string.Create(Invariant,
            $"{store,-10} {label,-46} n={count}  p50 {Percentile(milliseconds, 0.50),6:F1} ms  p95 {Percentile(milliseconds, 0.95),6:F1} ms  max {milliseconds[^1],6:F1} ms  ({bytes / 1024.0:F0} KB)"));
    }

    private static double Percentile(double[] sorted, double fraction)
        => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    /// <summary>The <c>after</c> of the API's page after <paramref name="pages"/> pages.</summary>
    private static async Task<string> LaterPageAsync(HttpClient api, int pages)
    {
        string? after = null;
        for (var i = 0; i < pages; i++)
        {
            var json = await api.GetStringAsync(after is null ? "/api/sources" : "/api/sources?after=" + Uri.EscapeDataString(after));
            after = NextCursor().Match(json).Groups[1].Value;
        }

        return after!;
    }

    private static async Task<string> EnsureCuratorAsync(CuratorAccounts accounts)
    {
        if ((await accounts.ListAsync(CancellationToken.None)).Count == 0)
        {
            await accounts.CreateAsync("bench", Password, CancellationToken.None);
        }

        return "bench";
    }

    private static async Task<HttpClient> SignedInAsync(string address)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        var form = await client.GetStringAsync("/admin/signin");
        var signIn = await client.PostAsync("/admin/signin", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", AntiforgeryField().Match(form).Groups[1].Value), new("name", "bench"), new("password", Password), new("returnUrl", string.Empty),
        ]));
        if (signIn.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"signing in answered {(int)signIn.StatusCode}");
        }

        return client;
    }

    private static async Task<string[]?> SeedLiteDbAsync(string directory, int sources, int articles, bool fresh)
    {
        var path = Path.Combine(directory, "feedhub.db");
        if (fresh && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        if (!File.Exists(Path.Combine(directory, "seeded")))
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
            var seeding = Stopwatch.StartNew();
            using (var store = new LiteDbFeedStore(path))
            {
                for (var i = 0; i < sources; i++)
                {
                    await store.AddSourceAsync(Source(i), CancellationToken.None);
                }

                await SeedArticlesAsync(articles, sources, batch => store.SaveArticlesAsync(batch, [], CancellationToken.None));
            }

            await File.WriteAllTextAsync(Path.Combine(directory, "seeded"), "done");
            Console.WriteLine(string.Create(Invariant, $"LiteDB     seeded {sources:N0} sources and {articles:N0} articles (search index included) in {seeding.Elapsed.TotalSeconds:F0} s: {path}"));
        }

        return [$"--FeedHub:Storage:LiteDb:Path={path}"];
    }

    private static async Task<string[]?> SeedPostgresAsync(int sources, int articles, bool fresh)
    {
        var server = Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("FEEDHUB_TEST_POSTGRES is not set: start a throwaway server with eval \"$(tests/postgres.sh start)\"");
            return null;
        }

        var database = string.Create(Invariant, $"feedhub_admin_bench_{sources}_{articles}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, CommandTimeout = 3600 }.ConnectionString;
        var exists = await ScalarAsync<bool>(server, $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{database}')");
        if (exists && (fresh || await ScalarAsync<string?>(connectionString, "SELECT value FROM settings WHERE name = 'bench.seeded'") is null))
        {
            await ExecuteAsync(server, $"DROP DATABASE \"{database}\" WITH (FORCE)");
            exists = false;
        }

        if (!exists)
        {
            await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
            var seeding = Stopwatch.StartNew();
            await using (var store = await PostgresFeedStore.OpenAsync(connectionString, CancellationToken.None))
            {
                foreach (var chunk in Enumerable.Range(0, sources).Chunk(SeedBatch))
                {
                    await store.ImportSourcesAsync(chunk.Select(i => Source(i, withId: true)).ToList(), CancellationToken.None);
                }

                await ExecuteAsync(connectionString, PostgresSearchIndexes.Drop);
                await SeedArticlesAsync(articles, sources, batch => store.ImportArticlesAsync(batch, CancellationToken.None));
                foreach (var build in PostgresSearchIndexes.Build)
                {
                    await ExecuteAsync(connectionString, build);
                }

                await ExecuteAsync(connectionString, "VACUUM ANALYZE");
                await store.SetSettingAsync("bench.seeded", "done", CancellationToken.None);
            }

            Console.WriteLine(string.Create(Invariant, $"PostgreSQL seeded {sources:N0} sources and {articles:N0} articles in {seeding.Elapsed.TotalSeconds:F0} s: database {database}"));
        }

        return ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={connectionString}"];
    }

    /// <summary>
    /// Source i: named and addressed after its number and category, 50 to a category (every seventh in a second one),
    /// in a mix of health states as polls leave them: 2 % broken, 5 % degraded, 1 % moved, 1 % retired, 2 % paused,
    /// 1 % never polled, the rest healthy.
    /// </summary>
    private static Source Source(int i, bool withId = false)
    {
        var category = $"Category {i % Categories:D3}";
        var source = new Source
        {
            Id = withId ? i + 1 : 0,
            FeedUrl = string.Create(Invariant, $"https://blog-{i}.example/feed.xml"),
            SiteUrl = string.Create(Invariant, $"https://blog-{i}.example/"),
            Title = string.Create(Invariant, $"Blog {i} on {category}"),
            Categories = i % 7 == 0 ? [category, "Weekly"] : [category],
            CreatedAt = RiverStart,
            Fetch = new FetchState
            {
                PollCount = 40,
                LastAttemptAt = PolledAt,
                LastSuccessAt = PolledAt,
                NextPollAt = PolledAt.AddHours(1),
                LastItemCount = 20,
                LatestPostAt = PolledAt.AddDays(-1),
                UsualPostInterval = TimeSpan.FromDays(2),
                BytesReceived = 40 * 30_000,
            },
        };
        var fetch = source.Fetch;
        switch (i % 100)
        {
            case 0 or 1:
                (fetch.ConsecutiveFailures, fetch.ErrorCount, fetch.LastError) = (3, 3, "the server answered 500 Internal Server Error");
                break;
            case >= 2 and < 7:
                fetch.ParseWarning = "malformed XML at line 40, position 3 (kept 19 complete items)";
                break;
            case 7:
                (fetch.PendingRedirectUrl, fetch.PendingRedirectCount) = (string.Create(Invariant, $"https://blog-{i}.example/new-feed.xml"), 1);
                break;
            case 8:
                (source.State, fetch.LastError) = (SourceState.Retired, "the server answered 410 Gone");
                break;
            case 9 or 10:
                source.State = SourceState.Paused;
                break;
            case 11:
                source.Fetch = new FetchState { NextPollAt = PolledAt };
                break;
        }

        return source;
    }

    /// <summary>Articles spread evenly over the sources and a year; small (title and a line), as these pages never read them.</summary>
    private static async Task SeedArticlesAsync(int count, int sources, Func<List<Article>, Task> save)
    {
        var progress = Stopwatch.StartNew();
        for (var first = 0; first < count; first += SeedBatch)
        {
            var batch = Enumerable.Range(first, Math.Min(SeedBatch, count - first)).Select(i =>
            {
                var at = RiverStart.AddSeconds(i * (365.0 * 86_400 / count));
                var key = string.Create(Invariant, $"id:{i}");
                return new Article
                {
                    Id = i + 1,
                    SourceId = (i % sources) + 1,
                    Key = key,
                    ContentHash = key,
                    Title = string.Create(Invariant, $"Post {i}"),
                    Link = string.Create(Invariant, $"https://blog-{i % sources}.example/posts/{i}"),
                    Summary = "A post of the benchmark.",
                    Published = at,
                    SortDate = at,
                    FirstSeenAt = at,
                    ChangedAt = at,
                };
            }).ToList();
            await save(batch);
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine(string.Create(Invariant, $"           … {first + batch.Count:N0} articles"));
                progress.Restart();
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 3600 };
        if (sql.Contains("DATABASE", StringComparison.Ordinal))
        {
            builder.Database = "postgres";
        }

        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex("\"next\":\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex NextCursor();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", RegexOptions.NonBacktracking)]
    private static partial Regex AntiforgeryField();
}
