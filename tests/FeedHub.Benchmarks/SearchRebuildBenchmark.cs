using System.Diagnostics;
using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Benchmarks;

/// <summary>
/// A LiteDB store opened without its search index, as after an upgrade, a restored backup or a deleted folder:
/// <code>
/// search-rebuild DIR [--writes]
/// </code>
/// DIR holds a <c>feedhub.db</c> to measure on (a copy: its <c>feedhub.search</c> folder is deleted first, and
/// --writes adds articles to it). Prints the time from opening to the first river page, then to the first search
/// answered (the rebuild), the process's CPU time and peak memory; with --writes, the latency of poll-sized writes (20
/// new articles) made every 250 ms while the rebuild runs. Works on any FeedHub that opens a store this way, so the
/// same file measures a build from before a change and one after it.
/// </summary>
public static class SearchRebuildBenchmark
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !File.Exists(Path.Combine(args[0], "feedhub.db")))
        {
            Console.Error.WriteLine("usage: FeedHub.Benchmarks search-rebuild DIR [--writes]   (DIR holds a copy of a feedhub.db: its index is deleted)");
            return 2;
        }

        var path = Path.Combine(args[0], "feedhub.db");
        var writes = args.Contains("--writes");
        var index = Path.Combine(args[0], "feedhub.search");
        if (Directory.Exists(index))
        {
            Directory.Delete(index, recursive: true);
        }

        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var store = new LiteDbFeedStore(path);
        var river = await store.ListArticlesAsync(new ArticleQuery { Limit = 50 }, CancellationToken.None);
        var firstRiver = clock.Elapsed;
        Console.WriteLine(string.Create(Invariant, $"first river page ({river.Count} articles) after {firstRiver.TotalSeconds:F1} s: search index {store.SearchIndexState}"));

        var latencies = new List<double>();
        var source = (await store.ListSourcesAsync(CancellationToken.None))[0].Id;
        while ((await store.GetSearchIndexStatusAsync(CancellationToken.None)).Phase != SearchIndexPhase.Ready)
        {
            if (writes)
            {
                var batch = Enumerable.Range(0, 20).Select(i => NewArticle(source, latencies.Count * 20 + i)).ToList();
                var write = Stopwatch.StartNew();
                await store.SaveArticlesAsync(batch, [], CancellationToken.None);
                latencies.Add(write.Elapsed.TotalMilliseconds);
            }

            await Task.Delay(writes ? 250 : 50);
        }

        var ready = clock.Elapsed;
        var search = SearchQuery.TryParse("river", out var parsed, out _) ? parsed : throw new InvalidOperationException("'river' is a search");
        var found = await store.ListArticlesAsync(new ArticleQuery { Search = search, Limit = 50 }, CancellationToken.None);
        process.Refresh();
        Console.WriteLine(string.Create(Invariant,
            $"search answered ({found.Count} found) after {clock.Elapsed.TotalSeconds:F1} s: index whole after {ready.TotalSeconds:F1} s, rebuild {(ready - firstRiver).TotalSeconds:F1} s after the first river page; {store.SearchIndexState}"));
        Console.WriteLine(string.Create(Invariant,
            $"CPU {(process.TotalProcessorTime - cpu).TotalSeconds:F1} s, peak working set {process.PeakWorkingSet64 / 1024 / 1024} MB, load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        if (latencies.Count > 0)
        {
            latencies.Sort();
            Console.WriteLine(string.Create(Invariant,
                $"writes during the rebuild: {latencies.Count} of 20 articles, p50 {latencies[latencies.Count / 2]:F1} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:F1} ms, max {latencies[^1]:F1} ms"));
        }

        return 0;
    }

    private static Article NewArticle(long source, int n)
    {
        var now = DateTimeOffset.UtcNow;
        return new Article
        {
            SourceId = source,
            Key = string.Create(Invariant, $"search-rebuild-bench:{now.Ticks}:{n}"),
            ContentHash = string.Create(Invariant, $"h{n}"),
            Title = string.Create(Invariant, $"A river walk, number {n}"),
            Content = "<p>" + string.Join(" ", Enumerable.Repeat("The river rises in spring and the herons wait by the weir.", 30)) + "</p>",
            Language = "en",
            Published = now,
            SortDate = now,
            FirstSeenAt = now,
            ChangedAt = now,
        };
    }
}
