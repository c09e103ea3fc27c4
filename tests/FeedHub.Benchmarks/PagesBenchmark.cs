using System.Diagnostics;
using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FeedHub.Benchmarks;

/// <summary>
/// The reader's pages and feeds over HTTP from a FeedHub web node on the store <c>navigation</c> seeded (run it first
/// with the same <c>--articles</c> and <c>--data</c>):
/// <code>
/// pages [--articles N (>= 10,000: the two categories of 50 sources it measures)] [--stores litedb,postgres] [--samples N] [--data DIR]
/// </code>
/// Requests ask for gzip or Brotli, as browsers and feed readers do. For each page, three latencies: warm (nothing
/// changed); after an unrelated write (a new article elsewhere, which a page cached by what it shows does not render
/// again); and cold (after a write the page shows, so it renders), after every page has been rendered cold a few times
/// unmeasured (the JIT's first compilations are not what a running server pays). On a PostgreSQL server started by
/// <c>tests/postgres.sh</c> (FEEDHUB_TEST_POSTGRES_DIR set) each cold request's CPU is given for the server as well.
/// The first opening of a LiteDB file seeded by <c>navigation</c> builds its search index. The digest feed's 14 days
/// get 2,000 posts a day once (the seeded year is 2025).
/// </summary>
public static class PagesBenchmark
{
    private const int RecentPostsPerDay = 2000;
    private const int WarmUpRenders = 5;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        if (StoreBenchArguments.Parse(args, "pages", samples: 50, minSamples: 5, minArticles: 10_000) is not { } arguments)
        {
            return 2;
        }

        var (articles, samples, data, stores) = arguments;

        Console.WriteLine(string.Create(Invariant, $"load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        foreach (var name in stores)
        {
            string[]? settings = name switch
            {
                "litedb" => File.Exists(Path.Combine(data, string.Create(Invariant, $"litedb-{articles}"), "seeded"))
                    ? [$"--FeedHub:Storage:LiteDb:Path={Path.Combine(data, string.Create(Invariant, $"litedb-{articles}"), "feedhub.db")}"]
                    : null,
                "postgres" when Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES") is { Length: > 0 } server =>
                [
                    "--FeedHub:Storage:Provider=Postgres",
                    "--ConnectionStrings:Postgres=" + new NpgsqlConnectionStringBuilder(server) { Database = string.Create(Invariant, $"feedhub_navigation_bench_{articles}") },
                ],
                _ => null,
            };
            if (settings is null)
            {
                Console.Error.WriteLine($"{name}: no store seeded for {articles:N0} articles; run the navigation benchmark first (with FEEDHUB_TEST_POSTGRES for postgres)");
                return 1;
            }

            await MeasureAsync(name == "litedb" ? "LiteDB" : "PostgreSQL", articles, samples, settings);
        }

        return 0;
    }

    private static async Task MeasureAsync(string name, int articles, int samples, string[] settings)
    {
        var opening = Stopwatch.StartNew();
        var (app, address) = await BenchWebNode.StartAsync(settings);
        await using var node = app;
        using var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(5) };
        // As browsers and feed readers ask (the bytes are read as sent, not decompressed): a digest feed of 14 days is
        // 14 MB uncompressed, whose transfer alone would hide what its rendering costs.
        http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip, br");
        var store = app.Services.GetRequiredService<IFeedStore>();
        Console.WriteLine(string.Create(Invariant, $"{name,-10} web node open in {opening.Elapsed.TotalSeconds:F1} s"));

        var sources = articles / 100;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await SeedRecentDaysAsync(store, sources, today);
        var written = 0;
        Task WriteAsync(long sourceId, DateTimeOffset sortDate)
        {
            var key = string.Create(Invariant, $"id:bench-write-{Guid.NewGuid():N}-{written++}");
            return store.SaveArticlesAsync([NewArticle(sourceId, key, sortDate)], [], CancellationToken.None);
        }

        // Sources 1 to 50 are in "Category 0", 51 to 100 in "Category 1" (see the navigation benchmark's seed).
        var now = DateTimeOffset.UtcNow;
        var yesterdayNoon = new DateTimeOffset(today.AddDays(-1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var pastDay = new DateOnly(2025, 3, 5);
        var pastNoon = new DateTimeOffset(pastDay.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        Func<Task> newArticleToday = () => WriteAsync(60, now);
        var renamed = 0;
        Func<Task> renameSource = async () =>
        {
            var name = string.Create(Invariant, $"Renamed blog {renamed++}");
            await store.ChangeSourceAsync(99, source =>
            {
                source.DisplayName = name;
                return true;
            }, CancellationToken.None);
        };
        (string Path, Func<Task>? Unrelated, Func<Task> Own)[] pages =
        [
            ("/", null, newArticleToday),
            ("/?category=Category%200", newArticleToday, () => WriteAsync(7, now)),
            ("/?source=7", newArticleToday, () => WriteAsync(7, now)),
            ($"/digest/{pastDay:yyyy-MM-dd}", newArticleToday, () => WriteAsync(7, pastNoon)),
            ("/digest", newArticleToday, () => WriteAsync(7, yesterdayNoon)),
            ("/digest.atom", newArticleToday, () => WriteAsync(7, yesterdayNoon)),
            ("/feed.atom", null, newArticleToday),
            ("/blogroll", newArticleToday, renameSource),
            ("/sources.opml", newArticleToday, renameSource),
            ("/subscribe", newArticleToday, renameSource),
        ];
        // A server that has been running has its rendering code compiled and optimised: every page is first rendered
        // cold a few times unmeasured, so the first pages measured do not carry the JIT's work for all the others.
        var warmingUp = Stopwatch.StartNew();
        foreach (var (path, _, own) in pages)
        {
            await TimeAsync(http, path, WarmUpRenders, own, server: null);
        }

        Console.WriteLine(string.Create(Invariant, $"{name,-10} every page rendered {WarmUpRenders} times first, in {warmingUp.Elapsed.TotalSeconds:F1} s"));
        var server = name == "PostgreSQL" ? PostgresServerCpu.Find() : null;
        foreach (var (path, unrelated, own) in pages)
        {
            var warm = await TimeAsync(http, path, samples, before: null, server);
            CpuTimings? afterUnrelated = unrelated is null ? null : await TimeAsync(http, path, Math.Max(5, samples / 5), unrelated, server);
            var cold = await TimeAsync(http, path, Math.Max(5, samples / 5), own, server);
            Console.WriteLine(string.Create(Invariant,
                $"{name,-10} {path,-24} warm p50 {P(warm.Wall, 0.5),8:F2} p95 {P(warm.Wall, 0.95),8:F2} ms | after another write p50 {(afterUnrelated is null ? "       -" : P(afterUnrelated.Wall, 0.5).ToString("F2", Invariant).PadLeft(8))} p95 {(afterUnrelated is null ? "       -" : P(afterUnrelated.Wall, 0.95).ToString("F2", Invariant).PadLeft(8))} ms | cold p50 {P(cold.Wall, 0.5),8:F2} p95 {P(cold.Wall, 0.95),8:F2} ms, CPU p50 {P(cold.Cpu, 0.5),7:F2} ms{(server is null ? "" : string.Create(Invariant, $" + server {P(cold.ServerCpu, 0.5),7:F2} ms"))}"));
        }

        Console.WriteLine(string.Create(Invariant, $"{name,-10} process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s, load average {File.ReadAllText("/proc/loadavg").Trim()}"));
    }

    /// <summary>
    /// Milliseconds of each GET of <paramref name="path"/> (after <paramref name="before"/>, not timed): see
    /// <see cref="Latency.MeasureCpuAsync"/>; one unmeasured GET first.
    /// </summary>
    private static async Task<CpuTimings> TimeAsync(HttpClient http, string path, int count, Func<Task>? before, PostgresServerCpu? server)
    {
        (await http.GetAsync(path)).EnsureSuccessStatusCode().Dispose();
        return await Latency.MeasureCpuAsync(count, server, before, async () =>
        {
            using var response = await http.GetAsync(path);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        });
    }

    private static double P(double[] sorted, double fraction) => Latency.Percentile(sorted, fraction);

    /// <summary>The digest feed shows the 14 days before today: they get posts once, spread over the sources.</summary>
    private static async Task SeedRecentDaysAsync(IFeedStore store, int sources, DateOnly today)
    {
        var first = today.AddDays(-14);
        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (await store.FindNearestArticleDateAsync(start, TimeDirection.Newer, CancellationToken.None) is { } found && found < start.AddDays(14))
        {
            return;
        }

        var seeding = Stopwatch.StartNew();
        for (var d = 0; d < 14; d++)
        {
            var batch = new List<Article>();
            for (var i = 0; i < RecentPostsPerDay; i++)
            {
                var key = string.Create(Invariant, $"id:https://recent.example/{first.AddDays(d):yyyy-MM-dd}/{i}");
                batch.Add(NewArticle(1 + (i % sources), key, start.AddDays(d + (double)i / RecentPostsPerDay)));
            }

            await store.SaveArticlesAsync(batch, [], CancellationToken.None);
        }

        Console.WriteLine(string.Create(Invariant, $"           14 recent days of {RecentPostsPerDay:N0} posts seeded in {seeding.Elapsed.TotalSeconds:F0} s"));
    }

    private static Article NewArticle(long sourceId, string key, DateTimeOffset sortDate) => new()
    {
        SourceId = sourceId,
        Key = key,
        ContentHash = key,
        Title = "Post " + key[3..],
        Link = "https://blog.example/" + Uri.EscapeDataString(key[3..]),
        Content = "<p>A short post.</p>",
        Published = sortDate,
        SortDate = sortDate,
        FirstSeenAt = sortDate,
        ChangedAt = sortDate,
    };
}
