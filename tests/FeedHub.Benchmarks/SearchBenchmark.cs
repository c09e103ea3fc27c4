using System.Diagnostics;
using System.Globalization;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Readability;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Benchmarks;

/// <summary>
/// Full-text search on both stores at scale, beside the plain river page measured in the same run:
/// <code>
/// search [--articles N] [--stores litedb,postgres] [--queries N] [--ingest N] [--data DIR] [--corpus DIR] [--fresh] [--pairs-build]
/// </code>
/// Articles are made of real sentences: the pages of the shared extraction corpus (English, German, French and a
/// few other languages) are extracted once and their sentences recombined, per language, into N articles. The
/// generated stores are kept (LiteDB in DIR, PostgreSQL in a database named after N on FEEDHUB_TEST_POSTGRES) and
/// reused by the next run; --fresh generates them again. Ingest with indexing on and off is measured on --ingest
/// articles in fresh stores of the same run. --pairs-build measures, on PostgreSQL instead, the word-pairs index built
/// again in the background (dropped first) and the latency of polls' writes before, during and after that build.
/// </summary>
public static class SearchBenchmark
{
    private const int SeedBatch = 2000;
    private const int IngestBatch = 20;
    private const int ArticlesPerSource = 100;
    private const int SourcesPerCategory = 50;
    private const int PageSize = 50;
    private static readonly DateTimeOffset RiverStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan RiverLength = TimeSpan.FromDays(365);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var articles = 1_000_000;
        var queries = 200;
        var ingest = 20_000;
        var data = Path.Combine(Path.GetTempPath(), "feedhub-search-bench");
        var corpus = Path.GetFullPath(Path.Combine("..", "shared", "corpus", "extraction"));
        var fresh = false;
        var pairsBuild = false;
        string[] stores = ["litedb", "postgres"];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--articles" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var n) && n >= 1000:
                    articles = n;
                    i++;
                    break;
                case "--queries" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var q) && q > 0:
                    queries = q;
                    i++;
                    break;
                case "--ingest" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var g) && g >= IngestBatch:
                    ingest = g;
                    i++;
                    break;
                case "--data" when i + 1 < args.Length:
                    data = args[++i];
                    break;
                case "--corpus" when i + 1 < args.Length:
                    corpus = args[++i];
                    break;
                case "--stores" when i + 1 < args.Length:
                    stores = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--fresh":
                    fresh = true;
                    break;
                case "--pairs-build":
                    pairsBuild = true;
                    break;
                default:
                    Console.Error.WriteLine("usage: FeedHub.Benchmarks search [--articles N (>= 1000)] [--stores litedb,postgres] [--queries N] [--ingest N] [--data DIR] [--corpus DIR] [--fresh] [--pairs-build]");
                    return 2;
            }
        }

        if (!Directory.Exists(corpus))
        {
            Console.Error.WriteLine($"no corpus at {corpus}: run from the worktree (it reads ../shared/corpus/extraction) or pass --corpus DIR");
            return 1;
        }

        var started = Stopwatch.StartNew();
        var text = TextPool.Extract(corpus);
        Console.WriteLine(string.Create(Invariant,
            $"search benchmark: {articles:N0} articles of real sentences ({text.Describe()}; extracted in {started.Elapsed.TotalSeconds:F0} s), {queries} queries per kind, pages of {PageSize}"));
        var workload = new Workload(articles, text);
        foreach (var store in stores)
        {
            var status = store.ToUpperInvariant() switch
            {
                "LITEDB" => await RunLiteDbAsync(workload, data, fresh, queries, ingest),
                "POSTGRES" => await RunPostgresAsync(workload, fresh, queries, ingest, pairsBuild),
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

    private static async Task<int> RunLiteDbAsync(Workload workload, string data, bool fresh, int queries, int ingest)
    {
        var directory = Path.Combine(data, string.Create(Invariant, $"litedb-{workload.ArticleCount}"));
        var path = Path.Combine(directory, "feedhub.db");
        if (fresh && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        if (!File.Exists(path))
        {
            // Seeded without the index, then opened with it: the index is rebuilt from every article.
            Directory.CreateDirectory(directory);
            var seeding = Stopwatch.StartNew();
            using (var store = new LiteDbFeedStore(path, new LiteDbSearchOptions { Enabled = false }))
            {
                await SeedAsync(store, workload, (s, batch) => s.SaveArticlesAsync(batch, [], CancellationToken.None));
            }

            Console.WriteLine(string.Create(Invariant, $"LiteDB     seeded {workload.ArticleCount:N0} articles without the index in {seeding.Elapsed.TotalSeconds:F0} s"));
        }

        var opening = Stopwatch.StartNew();
        using (var store = new LiteDbFeedStore(path))
        {
            var opened = opening.Elapsed;

            // A lost index is rebuilt in the background: searches wait for it.
            await store.SearchIndexReady;
            Console.WriteLine(string.Create(Invariant, $"LiteDB     opened in {opened.TotalSeconds:F1} s, search index whole after {opening.Elapsed.TotalSeconds:F1} s: {store.SearchIndexState}"));
            Console.WriteLine(string.Create(Invariant,
                $"LiteDB     size: database {Megabytes(new FileInfo(path).Length)}, search index {Megabytes(Directory.GetFiles(Path.Combine(directory, "feedhub.search")).Sum(f => new FileInfo(f).Length))}"));
            await QueryAsync("LiteDB", store, workload, queries);
        }

        // Ingest like polls (look the keys up, store a batch of 20) into fresh files, without and with the index.
        foreach (var enabled in new[] { false, true })
        {
            var temporary = Directory.CreateTempSubdirectory("feedhub-bench-search-ingest-");
            try
            {
                using var store = new LiteDbFeedStore(Path.Combine(temporary.FullName, "feedhub.db"), new LiteDbSearchOptions { Enabled = enabled });
                await IngestAsync("LiteDB", enabled, store, new Workload(ingest, workload.Text));
            }
            finally
            {
                temporary.Delete(recursive: true);
            }
        }

        return 0;
    }

    private static async Task<int> RunPostgresAsync(Workload workload, bool fresh, int queries, int ingest, bool pairsBuild)
    {
        var server = Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("FEEDHUB_TEST_POSTGRES is not set: start a throwaway server with eval \"$(tests/postgres.sh start)\"");
            return 1;
        }

        var database = string.Create(Invariant, $"feedhub_search_bench_{workload.ArticleCount}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, CommandTimeout = 3600 }.ConnectionString;
        var exists = await ScalarAsync<bool>(server, $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{database}')");
        if (fresh && exists)
        {
            await ExecuteAsync(server, $"DROP DATABASE \"{database}\" WITH (FORCE)");
            exists = false;
        }

        if (!exists || await ScalarAsync<string?>(connectionString, "SELECT value FROM settings WHERE name = 'bench.seeded'") is null)
        {
            if (!exists)
            {
                await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
            }

            var seeding = Stopwatch.StartNew();
            await using (var store = await PostgresFeedStore.OpenAsync(connectionString, CancellationToken.None))
            {
                await ExecuteAsync(connectionString, PostgresSearchIndexes.Drop);
                await SeedAsync(store, workload, (s, batch) => ((PostgresFeedStore)s).ImportArticlesAsync(batch, CancellationToken.None));
                foreach (var build in PostgresSearchIndexes.Build)
                {
                    await ExecuteAsync(connectionString, build);
                }

                await ExecuteAsync(connectionString, "VACUUM ANALYZE articles");
                await store.SetSettingAsync("bench.seeded", "done", CancellationToken.None);
            }

            Console.WriteLine(string.Create(Invariant, $"PostgreSQL seeded {workload.ArticleCount:N0} articles (documents by trigger, GIN built after) in {seeding.Elapsed.TotalSeconds:F0} s"));
        }

        if (pairsBuild)
        {
            await MeasurePairsBuildAsync(workload, connectionString);
            return 0;
        }

        // Opening applies the migrations this build has and the database has not (a database seeded by an older build).
        var opening = Stopwatch.StartNew();
        await using (var store = await PostgresFeedStore.OpenAsync(connectionString, CancellationToken.None))
        {
            Console.WriteLine(string.Create(Invariant, $"PostgreSQL opened (migrations applied) in {opening.Elapsed.TotalSeconds:F1} s"));
            var table = await ScalarAsync<long>(connectionString, "SELECT pg_table_size('articles')");
            var gin = await ScalarAsync<long>(connectionString, "SELECT pg_relation_size('articles_search')");
            var pairs = await ScalarAsync<long>(connectionString, "SELECT coalesce(pg_relation_size(to_regclass('articles_search_pairs')), 0)");
            var documents = await ScalarAsync<long>(connectionString, "SELECT sum(pg_column_size(search_document))::bigint FROM articles");
            Console.WriteLine(string.Create(Invariant,
                $"PostgreSQL size: articles table {Megabytes(table)} (of which search documents {Megabytes(documents)}), GIN index {Megabytes(gin)}, word-pairs GIN index {Megabytes(pairs)}"));
            await QueryAsync("PostgreSQL", store, workload, queries);
        }

        foreach (var enabled in new[] { false, true })
        {
            var scratch = "feedhub_search_bench_ingest_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(server, $"CREATE DATABASE \"{scratch}\"");
            try
            {
                var scratchConnection = new NpgsqlConnectionStringBuilder(server) { Database = scratch }.ConnectionString;
                await using var store = await PostgresFeedStore.OpenAsync(scratchConnection, CancellationToken.None);
                if (enabled)
                {
                    // As a running server does after start-up.
                    await store.BuildWordPairsIndexAsync(CancellationToken.None);
                }
                else
                {
                    await ExecuteAsync(scratchConnection, PostgresSearchIndexes.DropWithDocuments);
                }

                await IngestAsync("PostgreSQL", enabled, store, new Workload(ingest, workload.Text));
            }
            finally
            {
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{scratch}\" WITH (FORCE)");
            }
        }

        return 0;
    }

    /// <summary>Polls' writes are paced like a busy worker's: a batch of <see cref="IngestBatch"/> new articles this often.</summary>
    private static readonly TimeSpan PairsBuildWritePace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Drops the word-pairs index and builds it again as a running server does (in the background, concurrently), while
    /// a source of its own gets a batch of new articles every <see cref="PairsBuildWritePace"/>: the latency of those
    /// writes before, during and after the build, and how long it took. The source and its articles are removed after.
    /// </summary>
    private static async Task MeasurePairsBuildAsync(Workload workload, string connectionString)
    {
        await using var store = await PostgresFeedStore.OpenAsync(connectionString, CancellationToken.None);
        var source = await store.AddSourceAsync(Workload.Source(workload.SourceCount + 1), CancellationToken.None);
        var written = 0;
        async Task<double> WriteBatchAsync()
        {
            var batch = Enumerable.Range(workload.ArticleCount + written, IngestBatch).Select(i => workload.Article(i, withId: false)).ToList();
            batch.ForEach(article => article.SourceId = source.Id);
            written += batch.Count;
            var started = Stopwatch.GetTimestamp();
            await store.GetArticlesByKeysAsync(source.Id, batch.Select(a => a.Key).ToList(), CancellationToken.None);
            await store.SaveArticlesAsync(batch, [], CancellationToken.None);
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await Task.Delay(PairsBuildWritePace);
            return milliseconds;
        }

        async Task<double[]> WriteBatchesAsync(int count)
        {
            var milliseconds = new double[count];
            for (var i = 0; i < count; i++)
            {
                milliseconds[i] = await WriteBatchAsync();
            }

            return milliseconds;
        }

        void Report(string when, double[] milliseconds)
        {
            Array.Sort(milliseconds);
            Console.WriteLine(string.Create(Invariant,
                $"PostgreSQL write of {IngestBatch} articles {when,-28} {milliseconds.Length,5} batches   p50 {Latency.Percentile(milliseconds, 0.50),7:F1} ms   p95 {Latency.Percentile(milliseconds, 0.95),7:F1} ms   max {milliseconds[^1],7:F1} ms"));
        }

        try
        {
            var initial = await store.DescribeWordPairsIndexAsync(CancellationToken.None);
            Console.WriteLine(string.Create(Invariant, $"PostgreSQL word-pairs index: {initial}; writes every {PairsBuildWritePace.TotalSeconds:F0} s"));
            Report("before (index valid)", await WriteBatchesAsync(40));
            await ExecuteAsync(connectionString, "DROP INDEX IF EXISTS articles_search_pairs");
            var clock = Stopwatch.StartNew();
            var build = store.BuildWordPairsIndexAsync(CancellationToken.None);
            var during = new List<double>();
            var lastProgress = TimeSpan.Zero;
            while (!build.IsCompleted)
            {
                during.Add(await WriteBatchAsync());
                if (clock.Elapsed - lastProgress >= TimeSpan.FromMinutes(2))
                {
                    lastProgress = clock.Elapsed;
                    var state = await store.DescribeWordPairsIndexAsync(CancellationToken.None);
                    Console.WriteLine(string.Create(Invariant, $"           … {clock.Elapsed.TotalMinutes:F0} min: {state} (load {File.ReadAllText("/proc/loadavg")[..14]})"));
                }
            }

            var built = await build;
            Console.WriteLine(string.Create(Invariant, $"PostgreSQL word-pairs index built {(built ? "by this process" : "by another")} in {clock.Elapsed.TotalMinutes:F1} min, in the background"));
            Report("during the build", [.. during]);
            Report("after (index valid)", await WriteBatchesAsync(40));
        }
        finally
        {
            await store.RemoveSourceAsync(source.Id, keepArticles: false, CancellationToken.None);
        }
    }

    private static async Task SeedAsync(IFeedStore store, Workload workload, Func<IFeedStore, List<Article>, Task> save)
    {
        for (var i = 0; i < workload.SourceCount; i++)
        {
            await store.AddSourceAsync(Workload.Source(i), CancellationToken.None);
        }

        var progress = Stopwatch.StartNew();
        for (var first = 0; first < workload.ArticleCount; first += SeedBatch)
        {
            var batch = Enumerable.Range(first, Math.Min(SeedBatch, workload.ArticleCount - first)).Select(i => workload.Article(i, withId: true)).ToList();
            await save(store, batch);
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine(string.Create(Invariant, $"           … {first + batch.Count:N0} articles"));
                progress.Restart();
            }
        }
    }

    private static async Task IngestAsync(string name, bool indexing, IFeedStore store, Workload workload)
    {
        for (var i = 0; i < workload.SourceCount; i++)
        {
            await store.AddSourceAsync(Workload.Source(i), CancellationToken.None);
        }

        var clock = Stopwatch.StartNew();
        for (var first = 0; first < workload.ArticleCount; first += IngestBatch)
        {
            var batch = Enumerable.Range(first, IngestBatch).Select(i => workload.Article(i, withId: false)).ToList();
            var known = await store.GetArticlesByKeysAsync(batch[0].SourceId, batch.Select(a => a.Key).ToList(), CancellationToken.None);
            if (known.Count != 0)
            {
                throw new InvalidOperationException("the generated keys are meant to be new");
            }

            await store.SaveArticlesAsync(batch, [], CancellationToken.None);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(Invariant,
            $"{name,-10} ingest   indexing {(indexing ? "on " : "off")}: {workload.ArticleCount:N0} articles in batches of {IngestBatch} in {seconds:F1} s: {workload.ArticleCount / seconds:N0} articles/s"));
    }

    private static async Task QueryAsync(string name, IFeedStore store, Workload workload, int count)
    {
        var random = new Random(11);
        var words = workload.Text.QueryWords;
        var middle = (await store.ListArticlesAsync(new ArticleQuery { To = RiverStart + (RiverLength / 2), Limit = 1 }, CancellationToken.None)).Single();
        Console.WriteLine($"{name,-10} query words: common {string.Join(", ", words.Common)}; rare {string.Join(", ", words.Rare)}; phrases {string.Join(", ", words.Phrases)}");

        await ReportAsync(name, "baseline: river first page, no search", count, () => store.ListArticlesAsync(new ArticleQuery { Limit = PageSize }, CancellationToken.None));
        await ReportAsync(name, "one common word", count, () => SearchAsync(store, Pick(random, words.Common)));
        await ReportAsync(name, "one rare word", count, () => SearchAsync(store, Pick(random, words.Rare)));
        await ReportAsync(name, "two words (common + rare)", count, () => SearchAsync(store, $"{Pick(random, words.Common)} {Pick(random, words.Rare)}"));
        await ReportAsync(name, "two common words", count, () => SearchAsync(store, $"{Pick(random, words.Common)} {Pick(random, words.Common)}"));
        await ReportAsync(name, "phrase of two words", count, () => SearchAsync(store, $"\"{Pick(random, words.Phrases)}\""));
        await ReportAsync(name, "common word -other word", count, () =>
        {
            var word = random.Next(words.Common.Length);
            return SearchAsync(store, $"{words.Common[word]} -{words.Common[(word + 1 + random.Next(words.Common.Length - 1)) % words.Common.Length]}");
        });
        await ReportAsync(name, $"common word in a category ({SourcesPerCategory} sources)", count, () =>
        {
            var first = random.Next(Math.Max(1, workload.SourceCount - SourcesPerCategory));
            var sources = Enumerable.Range(first + 1, Math.Min(SourcesPerCategory, workload.SourceCount)).Select(i => (long)i).ToList();
            return SearchAsync(store, Pick(random, words.Common), sources);
        });
        await ReportAsync(name, "common word, deep cursor (mid-river)", count, () => SearchAsync(store, Pick(random, words.Common), before: ArticleCursor.Of(middle)));
        var highlightQuery = Parse(words.Common[0]);
        var page = await store.ListArticlesAsync(new ArticleQuery { Search = highlightQuery, Limit = PageSize }, CancellationToken.None);
        await ReportAsync(name, "highlights of a page of 50", count, () => store.HighlightAsync(highlightQuery, page, CancellationToken.None));
    }

    private static Task<IReadOnlyList<Article>> SearchAsync(IFeedStore store, string text, IReadOnlyCollection<long>? sources = null, ArticleCursor? before = null)
        => store.ListArticlesAsync(new ArticleQuery { Search = Parse(text), SourceIds = sources, Before = before, Limit = PageSize }, CancellationToken.None);

    private static SearchQuery Parse(string text)
        => SearchQuery.TryParse(text, out var query, out var problem) ? query : throw new InvalidOperationException(problem);

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];

    /// <summary>Prints the latencies; a search the store gave up on (its time limit) counts with the time it took, and is told.</summary>
    private static async Task ReportAsync<T>(string store, string query, int count, Func<Task<T>> run)
    {
        var givenUp = 0;
        var milliseconds = await Latency.MeasureAsync(count, async () =>
        {
            try
            {
                return await run();
            }
            catch (SearchTooSlowException)
            {
                givenUp++;
                return default;
            }
        });
        Console.WriteLine(string.Create(Invariant,
            $"{store,-10} query    {query,-42} p50 {Latency.Percentile(milliseconds, 0.50),7:F2} ms   p95 {Latency.Percentile(milliseconds, 0.95),7:F2} ms   p99 {Latency.Percentile(milliseconds, 0.99),7:F2} ms{(givenUp > 0 ? $"   ({givenUp} given up at the time limit, warm-up included)" : "")}"));
    }

    private static string Megabytes(long bytes) => string.Create(Invariant, $"{bytes / 1048576.0:N0} MB");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 3600 };
        if (string.IsNullOrEmpty(builder.Database) || sql.Contains("DATABASE", StringComparison.Ordinal))
        {
            builder.Database = "postgres";
        }

        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 3600 };
        builder.Database ??= "postgres";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }

    /// <summary>Sentences of real articles by language, and words to search for chosen by how often they occur.</summary>
    private sealed class TextPool
    {
        private TextPool(Dictionary<string, string[]> sentences, QueryWords words)
        {
            Sentences = sentences;
            Languages = [.. sentences.Keys.Order(StringComparer.Ordinal)];
            QueryWords = words;
        }

        public Dictionary<string, string[]> Sentences { get; }

        public string[] Languages { get; }

        public QueryWords QueryWords { get; }

        public static TextPool Extract(string corpus)
        {
            var byLanguage = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            var pages = Directory.GetFiles(corpus, "*.html", SearchOption.AllDirectories)
                .Where(p => !p.EndsWith("expected.html", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal);
            var options = new ExtractionOptions { IncludeHtml = false };
            foreach (var page in pages)
            {
                var extracted = ArticleExtractor.Shared.Extract(File.ReadAllBytes(page), null, null, options);
                var language = SearchLanguages.For(extracted.Language) == SearchLanguages.Simple ? "other" : extracted.Language![..2].ToLowerInvariant();
                if (extracted.Text.Length < 500)
                {
                    continue;
                }

                if (!byLanguage.TryGetValue(language, out var sentences))
                {
                    byLanguage[language] = sentences = [];
                }

                sentences.AddRange(extracted.Text.Split(['.', '!', '?', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Where(s => s.Length is > 30 and < 400)
                    .Select(s => s + "."));
            }

            var pool = byLanguage.Where(p => p.Value.Count >= 50).ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
            return new TextPool(pool, QueryWords.Of(pool.GetValueOrDefault("en") ?? pool.Values.First()));
        }

        public string Describe()
            => string.Join(", ", Sentences.OrderByDescending(p => p.Value.Length).Select(p => string.Create(Invariant, $"{p.Key} {p.Value.Length:N0} sentences")));
    }

    /// <summary>English words by frequency in the pool: common ones (top ranks, no stop words) and rare ones.</summary>
    private sealed record QueryWords(string[] Common, string[] Rare, string[] Phrases)
    {
        private static readonly HashSet<string> StopWords = new(
            "the and of to a in is that it was for with as on are be this by at from or an have has not but they he she we you his her its their which were been will would can all more one about also there what when who than out up so if no into other some these".Split(' '),
            StringComparer.Ordinal);

        public static QueryWords Of(string[] sentences)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var pairs = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var sentence in sentences)
            {
                var words = sentence.Split([' ', ',', '.', ';', ':', '"', '(', ')', '\'', '“', '”', '’'], StringSplitOptions.RemoveEmptyEntries)
                    .Select(w => w.ToLowerInvariant())
                    .Where(w => w.Length > 3 && w.All(char.IsLetter))
                    .ToList();
                foreach (var word in words)
                {
                    counts[word] = counts.GetValueOrDefault(word) + 1;
                }

                for (var i = 1; i < words.Count; i++)
                {
                    var pair = words[i - 1] + " " + words[i];
                    pairs[pair] = pairs.GetValueOrDefault(pair) + 1;
                }
            }

            var ranked = counts.Where(c => !StopWords.Contains(c.Key)).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key).ToList();
            return new QueryWords(
                [.. ranked.Take(10)],
                [.. ranked.Skip(Math.Min(ranked.Count - 10, 2000)).Take(10)],
                [.. pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).Take(10)]);
        }
    }

    /// <summary>
    /// The generated river: articles spread evenly over a year, each of one language (weighted by how much text the
    /// corpus has of it), a title and 4 to 24 sentences drawn from that language's pool.
    /// </summary>
    private sealed class Workload(int articleCount, TextPool text)
    {
        public int ArticleCount { get; } = articleCount;

        public TextPool Text { get; } = text;

        public int SourceCount { get; } = Math.Max(1, articleCount / ArticlesPerSource);

        public static Source Source(int i) => new()
        {
            FeedUrl = string.Create(Invariant, $"https://blog{i}.example/feed"),
            Title = string.Create(Invariant, $"Blog number {i}"),
            CreatedAt = RiverStart,
            Categories = [string.Create(Invariant, $"Category {i / SourcesPerCategory}")],
        };

        public Article Article(int i, bool withId)
        {
            var random = new Random(i);
            var languages = Text.Languages;
            var weights = languages.Select(l => Text.Sentences[l].Length).ToArray();
            var pick = random.Next(weights.Sum());
            var language = languages[0];
            for (var l = 0; l < languages.Length; l++)
            {
                if ((pick -= weights[l]) < 0)
                {
                    language = languages[l];
                    break;
                }
            }

            var pool = Text.Sentences[language];
            var body = new StringBuilder();
            var sentences = 4 + random.Next(21);
            for (var s = 0; s < sentences; s++)
            {
                body.Append(s % 4 == 0 ? "<p>" : " ").Append(System.Net.WebUtility.HtmlEncode(pool[random.Next(pool.Length)]));
            }

            var title = pool[random.Next(pool.Length)];
            var published = RiverStart + (RiverLength * ((double)i / ArticleCount));
            var key = string.Create(Invariant, $"id:https://blog.example/{i}");
            return new Article
            {
                Id = withId ? i + 1 : 0,
                SourceId = 1 + (i % SourceCount),
                Key = key,
                ContentHash = key.GetHashCode(StringComparison.Ordinal).ToString("x8", Invariant),
                Title = title.Length > 80 ? title[..(char.IsHighSurrogate(title[79]) ? 79 : 80)] : title,
                Link = key[3..],
                CanonicalUrl = key[11..],
                Author = "A. Writer",
                Content = body.ToString(),
                Language = language == "other" ? null : language,
                Published = published,
                SortDate = published,
                FirstSeenAt = published,
                ChangedAt = published,
            };
        }
    }
}
