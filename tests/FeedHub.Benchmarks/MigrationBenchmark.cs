using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FeedHub.Cli;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>migrate [--sources N] [--articles M]</c>: builds a LiteDB installation of N sources and M articles, copies it
/// into the PostgreSQL database of <c>FEEDHUB_TEST_POSTGRES</c> with <c>feedhub migrate</c>'s copy, compares the two
/// stores row by row, and prints the times and the number of differing rows.
/// </summary>
public static class MigrationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sources = Option(args, "--sources", 10_000);
        var articles = Option(args, "--articles", 200_000);
        var server = Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("set FEEDHUB_TEST_POSTGRES (eval \"$(tests/postgres.sh start)\")");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("feedhub-migrate-bench-").FullName;
        var database = "feedhub_migrate_bench_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
        var target = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        try
        {
            using var lite = new LiteDbFeedStore(Path.Combine(directory, "feedhub.db"));
            var clock = Stopwatch.StartNew();
            await SeedAsync(lite, sources, articles);
            Console.WriteLine($"seeded LiteDB with {sources} sources and {articles} articles in {clock.Elapsed.TotalSeconds:0.0} s");

            await using var postgres = await PostgresFeedStore.OpenAsync(target, default);
            clock.Restart();
            var copied = await MigrateCommand.CopyAsync(lite, postgres, default);
            Console.WriteLine($"migrate: copied {copied.Sources} sources and {copied.Articles} articles in {clock.Elapsed.TotalSeconds:0.0} s ({copied.Articles / clock.Elapsed.TotalSeconds:0} articles/s)");
            clock.Restart();
            var again = await MigrateCommand.CopyAsync(lite, postgres, default);
            Console.WriteLine($"migrate again (safe re-run): {again.Sources} sources and {again.Articles} articles in {clock.Elapsed.TotalSeconds:0.0} s; PostgreSQL now holds {await postgres.CountArticlesAsync(null, default)} articles");

            clock.Restart();
            var (rows, differences) = await CompareAsync(lite, postgres);
            Console.WriteLine($"row-by-row comparison: {rows} rows compared, {differences} differ ({clock.Elapsed.TotalSeconds:0.0} s)");
            return differences == 0 ? 0 : 1;
        }
        finally
        {
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task SeedAsync(LiteDbFeedStore store, int sources, int articles)
    {
        var t0 = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var perSource = Math.Max(1, articles / sources);
        var batch = new List<Article>(1000);
        for (var s = 0; s < sources; s++)
        {
            var source = await store.AddSourceAsync(new Source
            {
                FeedUrl = $"https://blog{s}.example/feed",
                Title = $"Blog {s}",
                Categories = [s % 2 == 0 ? "Tech" : "Culture"],
                CreatedAt = t0,
                Fetch = new FetchState { ETag = $"\"{s}\"", NextPollAt = t0.AddMinutes(s), PollCount = s, LastError = s % 20 == 0 ? "the server answered 500" : null },
            }, default);
            for (var a = 0; a < perSource; a++)
            {
                batch.Add(new Article
                {
                    SourceId = source.Id,
                    Key = string.Create(CultureInfo.InvariantCulture, $"id:{s}-{a}"),
                    ContentHash = string.Create(CultureInfo.InvariantCulture, $"{s}-{a}"),
                    Title = $"Post {a} of blog {s}",
                    Link = $"https://blog{s}.example/{a}",
                    Content = $"<p>Content of post {a} of blog {s}.</p>",
                    Excerpt = $"Content of post {a} of blog {s}.",
                    Published = t0.AddMinutes(-(s + (a * 37))),
                    SortDate = t0.AddMinutes(-(s + (a * 37))),
                    FirstSeenAt = t0,
                    ChangedAt = t0,
                    WordCount = 7,
                });
                if (batch.Count == 1000)
                {
                    await store.SaveArticlesAsync(batch, [], default);
                    batch = new List<Article>(1000);
                }
            }
        }

        if (batch.Count > 0)
        {
            await store.SaveArticlesAsync(batch, [], default);
        }
    }

    private static async Task<(long Rows, long Differences)> CompareAsync(LiteDbFeedStore expected, PostgresFeedStore actual)
    {
        long rows = 0;
        long differences = 0;
        var sources = (await expected.ListSourcesAsync(default)).OrderBy(s => s.Id).ToList();
        var copied = (await actual.ListSourcesAsync(default)).OrderBy(s => s.Id).ToList();
        differences += Math.Abs(sources.Count - copied.Count);
        foreach (var (a, b) in sources.Zip(copied))
        {
            rows++;
            differences += JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b) ? 0 : 1;
        }

        ArticleCursor? cursor = null;
        while (true)
        {
            var left = await expected.ListArticlesAsync(new ArticleQuery { Before = cursor, Limit = 1000 }, default);
            var right = await actual.ListArticlesAsync(new ArticleQuery { Before = cursor, Limit = 1000 }, default);
            differences += Math.Abs(left.Count - right.Count);
            foreach (var (a, b) in left.Zip(right))
            {
                rows++;
                differences += JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b) ? 0 : 1;
            }

            if (left.Count == 0)
            {
                return (rows, differences);
            }

            cursor = ArticleCursor.Of(left[^1]);
        }
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
