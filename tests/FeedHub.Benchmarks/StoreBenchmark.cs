using System.Diagnostics;
using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Benchmarks;

/// <summary>
/// Ingest throughput and reading-list latency of both stores on the same generated data.
/// <code>
/// store [--articles N] [--stores litedb,postgres] [--queries N]
/// </code>
/// PostgreSQL comes from FEEDHUB_TEST_POSTGRES (see tests/postgres.sh); the benchmark works in a database of its own
/// and drops it afterwards.
/// </summary>
public static class StoreBenchmark
{
    private const int BatchSize = 20;
    private const int ArticlesPerSource = 100;
    private const int PageSize = 50;
    private const int SourcesPerCategory = 50;
    private static readonly DateTimeOffset RiverStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        var articleCount = 100_000;
        var queryCount = 200;
        string[] stores = ["litedb", "postgres"];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--articles" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var n) && n >= BatchSize:
                    articleCount = n;
                    i++;
                    break;
                case "--queries" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var q) && q > 0:
                    queryCount = q;
                    i++;
                    break;
                case "--stores" when i + 1 < args.Length:
                    stores = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                default:
                    Console.Error.WriteLine("usage: FeedHub.Benchmarks store [--articles N (>= 20)] [--stores litedb,postgres] [--queries N]");
                    return 2;
            }
        }

        var workload = new Workload(articleCount, queryCount);
        Console.WriteLine(string.Create(Invariant,
            $"store benchmark: {articleCount:N0} articles from {workload.SourceCount:N0} sources, batches of {BatchSize}, pages of {PageSize}, {queryCount} queries per kind"));
        foreach (var store in stores)
        {
            var status = store.ToUpperInvariant() switch
            {
                "LITEDB" => RunLiteDbAsync(workload).GetAwaiter().GetResult(),
                "POSTGRES" => RunPostgresAsync(workload).GetAwaiter().GetResult(),
                _ => Unknown(store),
            };
            if (status != 0)
            {
                return status;
            }
        }

        return 0;
    }

    private static int Unknown(string store)
    {
        Console.Error.WriteLine($"unknown store '{store}': use litedb or postgres");
        return 2;
    }

    private static async Task<int> RunLiteDbAsync(Workload workload)
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-bench-litedb-");
        try
        {
            using var store = new LiteDbFeedStore(Path.Combine(directory.FullName, "feedhub.db"));
            await MeasureAsync("LiteDB", store, workload);
            return 0;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<int> RunPostgresAsync(Workload workload)
    {
        var server = Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("FEEDHUB_TEST_POSTGRES is not set: start a throwaway server with eval \"$(tests/postgres.sh start)\"");
            return 1;
        }

        var database = "feedhub_bench_" + Guid.NewGuid().ToString("N");
        await ExecuteOnServerAsync(server, $"CREATE DATABASE \"{database}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
            await using var store = await PostgresFeedStore.OpenAsync(connectionString, CancellationToken.None);
            // As a running server does after start-up, so that writes keep the word-pairs index too.
            await store.BuildWordPairsIndexAsync(CancellationToken.None);
            await MeasureAsync("PostgreSQL", store, workload);
            return 0;
        }
        finally
        {
            await ExecuteOnServerAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private static async Task MeasureAsync(string name, IFeedStore store, Workload workload)
    {
        var cancellationToken = CancellationToken.None;
        var sourceIds = new long[workload.SourceCount];
        for (var i = 0; i < sourceIds.Length; i++)
        {
            var source = await store.AddSourceAsync(
                new Source { FeedUrl = $"https://blog{i}.example/feed", CreatedAt = RiverStart, Categories = [$"Category {i / SourcesPerCategory}"] },
                cancellationToken);
            sourceIds[i] = source.Id;
        }

        // Like a poll: look the feed's keys up, then store the new ones in one batch.
        var ingest = Stopwatch.StartNew();
        for (var batch = 0; batch < workload.BatchCount; batch++)
        {
            var articles = workload.Batch(batch, sourceIds);
            var known = await store.GetArticlesByKeysAsync(articles[0].SourceId, articles.Select(a => a.Key).ToList(), cancellationToken);
            if (known.Count != 0)
            {
                throw new InvalidOperationException("the generated keys are meant to be new");
            }

            await store.SaveArticlesAsync(articles, [], cancellationToken);
        }

        ingest.Stop();
        var stored = workload.BatchCount * BatchSize;
        Console.WriteLine(string.Create(Invariant,
            $"{name,-10} ingest   {stored:N0} articles in {ingest.Elapsed.TotalSeconds:F1} s: {stored / ingest.Elapsed.TotalSeconds:N0} articles/s ({workload.BatchCount / ingest.Elapsed.TotalSeconds:N0} batches/s)"));

        var random = new Random(7);
        var middle = (await store.ListArticlesAsync(new ArticleQuery { To = Workload.MiddleOfRiver, Limit = 1 }, cancellationToken)).Single();
        await ReportAsync(name, "first page", workload.QueryCount,
            () => store.ListArticlesAsync(new ArticleQuery { Limit = PageSize }, cancellationToken));
        await ReportAsync(name, "deep cursor page (middle of river)", workload.QueryCount,
            () => store.ListArticlesAsync(new ArticleQuery { Before = ArticleCursor.Of(middle), Limit = PageSize }, cancellationToken));
        await ReportAsync(name, "one source, first page", workload.QueryCount,
            () => store.ListArticlesAsync(new ArticleQuery { SourceIds = [sourceIds[random.Next(sourceIds.Length)]], Limit = PageSize }, cancellationToken));
        await ReportAsync(name, $"category of {SourcesPerCategory} sources, first page", workload.QueryCount,
            () =>
            {
                var first = random.Next(Math.Max(1, sourceIds.Length - SourcesPerCategory));
                return store.ListArticlesAsync(new ArticleQuery { SourceIds = sourceIds[first..Math.Min(sourceIds.Length, first + SourcesPerCategory)], Limit = PageSize }, cancellationToken);
            });
        await ReportAsync(name, "one-day window, first page", workload.QueryCount,
            () =>
            {
                var day = Workload.RandomDay(random);
                return store.ListArticlesAsync(new ArticleQuery { From = day, To = day.AddDays(1), Limit = PageSize }, cancellationToken);
            });
        await ReportAsync(name, "article by id", workload.QueryCount,
            () => store.GetArticleAsync(middle.Id - random.Next((int)Math.Min(middle.Id, 1000)), cancellationToken));
    }

    private static async Task ReportAsync<T>(string store, string query, int count, Func<Task<T>> run)
    {
        var milliseconds = await Latency.MeasureAsync(count, run);
        Console.WriteLine(string.Create(Invariant,
            $"{store,-10} query    {query,-38} p50 {Latency.Percentile(milliseconds, 0.50),7:F2} ms   p99 {Latency.Percentile(milliseconds, 0.99),7:F2} ms"));
    }

    private static async Task ExecuteOnServerAsync(string server, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The generated river: one batch per poll of one source, polls spread evenly over a year in arrival order,
    /// items dated up to a day before their poll, with a typical blog post's size.
    /// </summary>
    private sealed class Workload(int articleCount, int queryCount)
    {
        private static readonly TimeSpan RiverLength = TimeSpan.FromDays(365);
        private static readonly string Paragraph = "<p>" + string.Join(' ', Enumerable.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit.", 12)) + "</p>";

        public int BatchCount { get; } = articleCount / BatchSize;

        public int QueryCount { get; } = queryCount;

        public int SourceCount { get; } = Math.Max(1, articleCount / ArticlesPerSource);

        public static DateTimeOffset MiddleOfRiver => RiverStart + (RiverLength / 2);

        public static DateTimeOffset RandomDay(Random random) => RiverStart.AddDays(random.Next(1, (int)RiverLength.TotalDays - 1));

        public List<Article> Batch(int batch, long[] sourceIds)
        {
            var random = new Random(batch);
            var sourceId = sourceIds[batch % sourceIds.Length];
            var polledAt = RiverStart + (RiverLength * ((double)batch / BatchCount));
            var articles = new List<Article>(BatchSize);
            for (var i = 0; i < BatchSize; i++)
            {
                var published = polledAt - TimeSpan.FromSeconds(random.Next(86_400));
                var key = string.Create(Invariant, $"id:https://blog.example/{batch}/{i}");
                articles.Add(new Article
                {
                    SourceId = sourceId,
                    Key = key,
                    ContentHash = key.GetHashCode(StringComparison.Ordinal).ToString("x8", Invariant),
                    Title = string.Create(Invariant, $"Post {i} of poll {batch}"),
                    Link = key[3..],
                    CanonicalUrl = key[11..],
                    Author = "A. Writer",
                    Summary = Paragraph[..200],
                    Content = string.Concat(Enumerable.Repeat(Paragraph, 1 + random.Next(4))),
                    Tags = ["news", "tech"],
                    Published = published,
                    SortDate = published,
                    FirstSeenAt = polledAt,
                    ChangedAt = polledAt,
                });
            }

            return articles;
        }
    }
}
