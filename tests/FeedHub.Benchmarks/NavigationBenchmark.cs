using System.Diagnostics;
using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FeedHub.Benchmarks;

/// <summary>
/// What the digest and article pages ask the store, at scale, beside the river's first page measured in the same run:
/// <code>
/// navigation [--articles N] [--stores litedb,postgres] [--samples N] [--data DIR]
/// </code>
/// N articles (short texts, no search index) over a year, with every seventh day and the whole of June empty, are
/// generated once and kept (LiteDB in DIR, PostgreSQL in a database named after N on FEEDHUB_TEST_POSTGRES).
/// </summary>
public static class NavigationBenchmark
{
    private const int SeedBatch = 5000;
    private const int ArticlesPerSource = 100;
    private static readonly DateTimeOffset RiverStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // The seeded sources' hosts are made up (.example): a server opened on the store (scale.sh --articles) must not
    // spend its polling on them, so none is due for a century.
    private static readonly DateTimeOffset NotDue = RiverStart.AddYears(100);

    /// <summary>What the store says once seeded (LiteDB: its "seeded" file, which an older build wrote with its sources due: seeded again).</summary>
    private const string SeededMark = "sources not due";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        if (StoreBenchArguments.Parse(args, "navigation", samples: 200, minSamples: 1, minArticles: 1000) is not { } arguments)
        {
            return 2;
        }

        var (articles, samples, data, stores) = arguments;

        var days = PostingDays().ToArray();
        Console.WriteLine(string.Create(Invariant, $"{articles:N0} articles over {days.Length} days of 2025 (every seventh day and June empty), {articles / ArticlesPerSource:N0} sources"));
        foreach (var name in stores)
        {
            var result = name switch
            {
                "litedb" => await RunLiteDbAsync(articles, days, data, samples),
                "postgres" => await RunPostgresAsync(articles, days, samples),
                _ => 2,
            };
            if (result != 0)
            {
                return result;
            }
        }

        return 0;
    }

    private static async Task<int> RunLiteDbAsync(int articles, DateOnly[] days, string data, int samples)
    {
        var directory = Path.Combine(data, string.Create(Invariant, $"litedb-{articles}"));
        var path = Path.Combine(directory, "feedhub.db");
        var noSearch = new LiteDbSearchOptions { Enabled = false };
        var mark = Path.Combine(directory, "seeded");
        if (!File.Exists(mark) || (await File.ReadAllTextAsync(mark)).Trim() != SeededMark)
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(directory);
            var seeding = Stopwatch.StartNew();
            using (var store = new LiteDbFeedStore(path, noSearch))
            {
                await SeedAsync(store, articles, days, (s, batch) => s.SaveArticlesAsync(batch, [], CancellationToken.None));
            }

            await File.WriteAllTextAsync(mark, SeededMark);
            Console.WriteLine(string.Create(Invariant, $"LiteDB     seeded in {seeding.Elapsed.TotalSeconds:F0} s"));
        }

        using var opened = new LiteDbFeedStore(path, noSearch);
        await MeasureAsync("LiteDB", opened, days, samples);
        return 0;
    }

    private static async Task<int> RunPostgresAsync(int articles, DateOnly[] days, int samples)
    {
        var server = Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("FEEDHUB_TEST_POSTGRES is not set: start a throwaway server with eval \"$(tests/postgres.sh start)\"");
            return 1;
        }

        var database = string.Create(Invariant, $"feedhub_navigation_bench_{articles}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, CommandTimeout = 3600 }.ConnectionString;
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var exists = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{database}')", admin);
            if (!(bool)(await exists.ExecuteScalarAsync())!)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
                await create.ExecuteNonQueryAsync();
            }
        }

        await using var store = await PostgresFeedStore.OpenAsync(connectionString, CancellationToken.None);
        if (await store.GetSettingAsync("bench.seeded", CancellationToken.None) is null)
        {
            var seeding = Stopwatch.StartNew();
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                // Search documents are not what is measured here: neither built nor indexed (the pages benchmark then
                // reads and writes this store without its search indexes and trigger).
                await connection.OpenAsync();
                await using var plain = new NpgsqlCommand(PostgresSearchIndexes.DropWithDocuments, connection);
                await plain.ExecuteNonQueryAsync();
            }

            await SeedAsync(store, articles, days, (s, batch) => ((PostgresFeedStore)s).ImportArticlesAsync(batch, CancellationToken.None));
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var analyze = new NpgsqlCommand("VACUUM ANALYZE articles", connection);
                await analyze.ExecuteNonQueryAsync();
            }

            await store.SetSettingAsync("bench.seeded", SeededMark, CancellationToken.None);
            Console.WriteLine(string.Create(Invariant, $"PostgreSQL seeded in {seeding.Elapsed.TotalSeconds:F0} s"));
        }

        await MeasureAsync("PostgreSQL", store, days, samples);
        return 0;
    }

    private static async Task MeasureAsync(string name, IFeedStore store, DateOnly[] days, int samples)
    {
        var digest = new Digest(store, Options.Create(new DigestOptions()), TimeProvider.System);
        var random = new Random(7);
        var year = Enumerable.Range(0, 365).Select(d => DateOnly.FromDateTime(RiverStart.UtcDateTime).AddDays(d)).ToArray();
        DateOnly AnyDay() => year[random.Next(year.Length)];
        var someArticles = new List<Article>();
        foreach (var day in days.Where((_, i) => i % 10 == 0))
        {
            var (start, end) = digest.Bounds(day);
            someArticles.AddRange(await store.ListArticlesAsync(new ArticleQuery { From = start, To = end, Limit = 3 }, CancellationToken.None));
        }

        await ReportAsync(name, "baseline: river first page (30 stories)", samples, () => store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true, Limit = 30 }, CancellationToken.None));
        await ReportAsync(name, "month calendar (days with posts + 2 months)", samples, () => digest.ReadMonthAsync(AnyDay(), CancellationToken.None));
        await ReportAsync(name, "nearest earlier day with posts", samples, () => digest.NearestDayWithPostsAsync(AnyDay(), TimeDirection.Older, CancellationToken.None));
        await ReportAsync(name, "nearest later day with posts", samples, () => digest.NearestDayWithPostsAsync(AnyDay(), TimeDirection.Newer, CancellationToken.None));
        await ReportAsync(name, "/digest's day (last finished day)", samples, () => digest.LastFinishedDayAsync(CancellationToken.None));
        await ReportAsync(name, "article's newer story", samples, () => store.FindAdjacentStoryAsync(ArticleCursor.Of(someArticles[random.Next(someArticles.Count)]), TimeDirection.Newer, CancellationToken.None));
        await ReportAsync(name, "article's older story", samples, () => store.FindAdjacentStoryAsync(ArticleCursor.Of(someArticles[random.Next(someArticles.Count)]), TimeDirection.Older, CancellationToken.None));
        await ReportAsync(name, "a day's posts (the digest day, its size)", Math.Max(1, samples / 10), () => digest.ReadDayAsync(days[random.Next(days.Length)], CancellationToken.None));

        // The digest day's two reads apart: its posts (the fields shown), then the sources they name (beside the whole
        // source documents the day read before).
        TimeRange AnyPostingDay()
        {
            var (start, end) = digest.Bounds(days[random.Next(days.Length)]);
            return new TimeRange(start, end);
        }

        await ReportAsync(name, "  of which the posts (2,000, fields shown)", Math.Max(1, samples / 10), () => store.ListDigestPostsAsync(AnyPostingDay(), 2000, CancellationToken.None));
        var daySources = (await store.ListDigestPostsAsync(AnyPostingDay(), 2000, CancellationToken.None)).Select(p => p.SourceId).ToHashSet();
        await ReportAsync(name, string.Create(Invariant, $"  of which their sources' headings ({daySources.Count:N0})"), Math.Max(1, samples / 10), () => store.GetSourceHeadingsAsync(daySources, CancellationToken.None));
        await ReportAsync(name, "  (the same sources as whole documents)", Math.Max(1, samples / 10), () => store.GetSourcesAsync(daySources, CancellationToken.None));
    }

    /// <summary>The days of 2025 with posts: every seventh day and the whole of June have none.</summary>
    private static IEnumerable<DateOnly> PostingDays()
    {
        var first = DateOnly.FromDateTime(RiverStart.UtcDateTime);
        for (var d = 0; d < 365; d++)
        {
            var day = first.AddDays(d);
            if (d % 7 != 3 && day.Month != 6)
            {
                yield return day;
            }
        }
    }

    private static async Task SeedAsync(IFeedStore store, int articles, DateOnly[] days, Func<IFeedStore, List<Article>, Task> save)
    {
        var sources = Math.Max(1, articles / ArticlesPerSource);
        for (var i = 0; i < sources; i++)
        {
            await store.AddSourceAsync(new Source
            {
                FeedUrl = string.Create(Invariant, $"https://blog{i}.example/feed"),
                Title = string.Create(Invariant, $"Blog number {i}"),
                CreatedAt = RiverStart,
                Categories = [string.Create(Invariant, $"Category {i / 50}")],
                Fetch = new FetchState { NextPollAt = NotDue },
            }, CancellationToken.None);
        }

        var perDay = (double)articles / days.Length;
        var progress = Stopwatch.StartNew();
        for (var first = 0; first < articles; first += SeedBatch)
        {
            var batch = new List<Article>();
            for (var i = first; i < Math.Min(articles, first + SeedBatch); i++)
            {
                var day = days[(int)(i / perDay)];
                var published = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays((i % perDay) / perDay);
                var key = string.Create(Invariant, $"id:https://blog.example/{i}");
                batch.Add(new Article
                {
                    Id = i + 1,
                    SourceId = 1 + (i % sources),
                    Key = key,
                    ContentHash = key,
                    Title = string.Create(Invariant, $"Post {i}"),
                    Link = key[3..],
                    Content = "<p>A short post.</p>",
                    Published = published,
                    SortDate = published,
                    FirstSeenAt = published,
                    ChangedAt = published,
                });
            }

            await save(store, batch);
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine(string.Create(Invariant, $"           … {first + batch.Count:N0} articles"));
                progress.Restart();
            }
        }
    }

    /// <summary>
    /// Prints the latencies of <paramref name="run"/>, and the mean CPU of a call (its warm-up included): this process's,
    /// and the PostgreSQL server's when it runs here (less inflated than wall time when the machine is shared).
    /// </summary>
    private static async Task ReportAsync<T>(string store, string what, int count, Func<Task<T>> run)
    {
        var server = store == "PostgreSQL" ? PostgresServerCpu.Find() : null;
        using var process = Process.GetCurrentProcess();
        var serverBefore = server?.Read();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var milliseconds = await Latency.MeasureAsync(count, run);
        process.Refresh();
        var calls = count + Math.Min(20, count);
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / calls;
        var serverCpu = server?.Read() - serverBefore;
        Console.WriteLine(string.Create(Invariant,
            $"{store,-10} {what,-46} p50 {Latency.Percentile(milliseconds, 0.50),8:F2} ms   p95 {Latency.Percentile(milliseconds, 0.95),8:F2} ms   CPU {cpu,7:F2} ms{(serverCpu is { } s ? string.Create(Invariant, $" + server {s.TotalMilliseconds / calls,7:F2} ms") : "")}"));
    }
}
