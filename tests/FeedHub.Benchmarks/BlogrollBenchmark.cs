using System.Diagnostics;
using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FeedHub.Benchmarks;

/// <summary>
/// The pages that list every source, cold (after a source's rename, which they show), on a store of sources only:
/// <code>
/// blogroll [--sources N (10,000)] [--stores litedb,postgres] [--samples N (20)] [--data DIR] [--save DIR]
/// </code>
/// Each store is seeded afresh (in DIR, or in a PostgreSQL database of the server FEEDHUB_TEST_POSTGRES names) with
/// sources that have been polled (a full fetch state, as on a running server). Prints this process's CPU of the
/// store's reads alone (every source whole, and the outlines the pages read) and of each page cold, and the server's CPU on
/// PostgreSQL started by <c>tests/postgres.sh</c>. <c>--save</c> writes each page as first served (uncompressed, before
/// any rename; addresses under a fixed base URL) for comparing two builds with <c>cmp</c> (the OPML files
/// differ in their <c>dateCreated</c> only).
/// </summary>
public static class BlogrollBenchmark
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] Pages = ["/blogroll", "/sources.opml", "/subscribe"];

    public static async Task<int> RunAsync(string[] args)
    {
        var (sources, samples, data, save, stores) = (10_000, 20, Path.Combine(Path.GetTempPath(), "feedhub-blogroll-bench"), (string?)null, new[] { "litedb" });
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--sources": sources = int.Parse(args[i + 1], Invariant); break;
                case "--samples": samples = Math.Max(3, int.Parse(args[i + 1], Invariant)); break;
                case "--data": data = args[i + 1]; break;
                case "--save": save = args[i + 1]; break;
                case "--stores": stores = args[i + 1].Split(','); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        Console.WriteLine(string.Create(Invariant, $"load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        foreach (var name in stores)
        {
            string[] settings;
            if (name == "litedb")
            {
                var folder = Path.Combine(data, "litedb");
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                Directory.CreateDirectory(folder);
                settings = [$"--FeedHub:Storage:LiteDb:Path={Path.Combine(folder, "feedhub.db")}"];
            }
            else if (name == "postgres" && Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES") is { Length: > 0 } server)
            {
                const string database = "feedhub_blogroll_bench";
                await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString))
                {
                    await admin.OpenAsync();
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\"", admin);
                    await drop.ExecuteNonQueryAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
                    await create.ExecuteNonQueryAsync();
                }

                settings = ["--FeedHub:Storage:Provider=Postgres", "--ConnectionStrings:Postgres=" + new NpgsqlConnectionStringBuilder(server) { Database = database }];
            }
            else
            {
                Console.Error.WriteLine($"{name}: unknown store, or FEEDHUB_TEST_POSTGRES is not set");
                return 1;
            }

            await MeasureAsync(name == "litedb" ? "LiteDB" : "PostgreSQL", sources, samples, settings, save is null ? null : Path.Combine(save, name));
        }

        return 0;
    }

    private static async Task MeasureAsync(string name, int count, int samples, string[] settings, string? save)
    {
        var (app, address) = await BenchWebNode.StartAsync(["--FeedHub:Site:BaseUrl=https://feedhub.example/", .. settings]);
        await using var node = app;
        var store = app.Services.GetRequiredService<IFeedStore>();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(store, count);
        Console.WriteLine(string.Create(Invariant, $"{name,-10} {count:N0} sources seeded in {seeding.Elapsed.TotalSeconds:F1} s"));

        if (save is not null)
        {
            Directory.CreateDirectory(save);
            using var plain = new HttpClient { BaseAddress = new Uri(address + "/") };
            foreach (var path in Pages)
            {
                await File.WriteAllBytesAsync(Path.Combine(save, path.TrimStart('/').Replace('.', '_')), await plain.GetByteArrayAsync(path));
            }
        }

        using var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip, br");
        var server = name == "PostgreSQL" ? PostgresServerCpu.Find() : null;
        var renamed = 0;
        async Task RenameAsync()
        {
            var name = string.Create(Invariant, $"Renamed blog {renamed++}");
            await store.ChangeSourceAsync(count / 2, source =>
            {
                source.DisplayName = name;
                return true;
            }, CancellationToken.None);
        }

        // Compiled and optimised first, as on a server that has been running.
        for (var i = 0; i < 5; i++)
        {
            await store.ListSourcesAsync(CancellationToken.None);
            await store.ListSourceOutlinesAsync(CancellationToken.None);
            foreach (var path in Pages)
            {
                await RenameAsync();
                (await http.GetAsync(path)).EnsureSuccessStatusCode().Dispose();
            }
        }

        var whole = await Latency.MeasureCpuAsync(samples, server, null, async () => await store.ListSourcesAsync(CancellationToken.None));
        Print(name, "store: every source whole", whole, server);
        var outlines = await Latency.MeasureCpuAsync(samples, server, null, async () => await store.ListSourceOutlinesAsync(CancellationToken.None));
        Print(name, "store: every source's outline", outlines, server);
        foreach (var path in Pages)
        {
            var cold = await Latency.MeasureCpuAsync(samples, server, RenameAsync, async () =>
            {
                using var response = await http.GetAsync(path);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            });
            Print(name, path + " cold", cold, server);
        }

        Console.WriteLine(string.Create(Invariant, $"{name,-10} load average {File.ReadAllText("/proc/loadavg").Trim()}"));
    }

    private static void Print(string name, string what, CpuTimings timings, PostgresServerCpu? server)
        => Console.WriteLine(string.Create(Invariant,
            $"{name,-10} {what,-34} wall p50 {Latency.Percentile(timings.Wall, 0.5),8:F2} ms | CPU p50 {Latency.Percentile(timings.Cpu, 0.5),8:F2} ms{(server is null ? "" : string.Create(Invariant, $" + server {Latency.Percentile(timings.ServerCpu, 0.5),7:F2} ms"))}"));

    /// <summary>Sources as a running server has them: polled, most active, in a few hundred categories, some with a second one.</summary>
    private static async Task SeedAsync(IFeedStore store, int count)
    {
        var polled = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            await store.AddSourceAsync(new Source
            {
                FeedUrl = string.Create(Invariant, $"https://blog{i}.example/feed.xml"),
                SiteUrl = string.Create(Invariant, $"https://blog{i}.example/"),
                Title = string.Create(Invariant, $"Blog number {i} & friends"),
                DisplayName = i % 7 == 0 ? string.Create(Invariant, $"Curated <{i}>") : null,
                Categories = i % 3 == 0 ? [string.Create(Invariant, $"Category {i % 300}"), "Second"] : i % 11 == 0 ? [] : [string.Create(Invariant, $"Category {i % 300}")],
                State = i % 20 == 0 ? SourceState.Paused : SourceState.Active,
                Extraction = i % 13 == 0 ? ExtractionMode.Always : ExtractionMode.Auto,
                MinInterval = i % 17 == 0 ? TimeSpan.FromMinutes(30) : null,
                CreatedAt = polled.AddDays(-400),
                Fetch = new FetchState
                {
                    ETag = string.Create(Invariant, $"\"{i:x8}-5f3a9c2e1b7d\""),
                    LastModified = "Sun, 29 Nov 2026 21:14:03 GMT",
                    LastAttemptAt = polled, LastSuccessAt = polled, LastNewItemAt = polled.AddHours(-30), NextPollAt = polled.AddHours(1),
                    LastStatusCode = 200, PollCount = 4000 + i, NotModifiedCount = 3500, ErrorCount = i % 5,
                    BytesReceived = 80_000_000, BytesSaved = 300_000_000, LastBodySize = 45_000, LastItemCount = 20,
                    LatestPostAt = polled.AddHours(-30), UsualPostInterval = TimeSpan.FromDays(3),
                    LastError = i % 5 == 0 ? "The operation was canceled after 30 seconds (timeout)" : null,
                    LastErrorKind = i % 5 == 0 ? FetchErrorKind.Timeout : null,
                    LastErrorAt = i % 5 == 0 ? polled.AddDays(-2) : null,
                },
            }, CancellationToken.None);
        }
    }
}
