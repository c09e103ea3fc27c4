using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Storage.LiteDb;
using LiteDB;

namespace FeedHub.Benchmarks;

/// <summary>
/// What each index of LiteDB's articles costs the write of a new feed:
/// <code>
/// article-indexes [--feeds N (default 2,000)] [--reps R (default 3)] [--variants all,"without StoryKeys",…]
/// </code>
/// Farm-like feeds of 20 articles (the store's own documents, <c>LiteDbFeedStore.ToDocument</c>, with their story keys
/// from a link and a guid as the ingester makes them; dates spread over four weeks, as a cold poll's) are inserted into
/// a LiteDB file with the articles' indexes of a file the store made, one transaction per feed, each feed's story keys
/// looked up first as the store does before an insert (one query of the multi-key index); then again without each
/// index in turn (without <c>StoryKeys</c>, without its look-ups too), with the story keys of before (the story's digest
/// alone, each at a random place of the index, as FeedHub stored them until keys were placed by site: each feed is a
/// site of its own here, as on a planet) and with placed keys written over a file of keys of before (the first half
/// of the feeds with keys of before, as an upgraded file holds them, the second half placed, looked up in both forms,
/// as such a store does). The variants take turns in each rep, each on a new file. Printed per variant and rep: the CPU
/// of the look-ups, inserts and commits per feed over the second half of the feeds (the first half fills the indexes),
/// and the file's size.
/// </summary>
public static class ArticleIndexesBenchmark
{
    private const int ArticlesPerFeed = 20;
    private const string Before = "story keys of before";
    private const string PlacedOverBefore = "placed over keys of before";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly DateTimeOffset Newest = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(string[] args)
    {
        var (feeds, reps) = (2000, 3);
        string[]? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--feeds" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var n) && n >= 10:
                    feeds = n;
                    i++;
                    break;
                case "--reps" when i + 1 < args.Length && int.TryParse(args[i + 1], Invariant, out var r) && r >= 1:
                    reps = r;
                    i++;
                    break;
                case "--variants" when i + 1 < args.Length:
                    only = args[++i].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    break;
                default:
                    Console.Error.WriteLine("usage: FeedHub.Benchmarks article-indexes [--feeds N (>= 10)] [--reps R] [--variants all,\"without StoryKeys\",…]");
                    return 2;
            }
        }

        var directory = Directory.CreateTempSubdirectory("feedhub-article-indexes-").FullName;
        try
        {
            var indexes = await StoreIndexesAsync(Path.Combine(directory, "store.db"));
            List<string> variants = ["all", .. indexes.Select(index => "without " + index.Name), Before, PlacedOverBefore];
            variants = only is null ? variants : variants.Where(only.Contains).ToList();
            Console.WriteLine(string.Create(Invariant, $"article-indexes: {feeds} feeds of {ArticlesPerFeed} articles, one transaction each; the store's indexes: {string.Join(", ", indexes.Select(i => $"{i.Name} ({i.Expression})"))}; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
            var results = variants.ToDictionary(v => v, _ => new List<double>());
            for (var rep = 1; rep <= reps; rep++)
            {
                foreach (var variant in variants)
                {
                    var (cpu, megabytes) = Insert(Path.Combine(directory, "variant.db"), feeds, indexes, variant);
                    results[variant].Add(cpu);
                    Console.WriteLine(string.Create(Invariant, $"  rep {rep} {variant,-26} {cpu,6:F2} ms CPU per feed (look-ups, inserts and commits), file {megabytes,6:F1} MB, load {File.ReadAllText("/proc/loadavg")[..14]}"));
                }
            }

            Console.WriteLine("mean of the reps, and its difference from all the indexes:");
            var all = results["all"].Average();
            foreach (var (variant, cpus) in results)
            {
                Console.WriteLine(string.Create(Invariant, $"  {variant,-26} {cpus.Average(),6:F2} ms per feed ({cpus.Average() - all,6:+0.00;-0.00} ms)"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The articles' indexes (but the primary key) of a file the store made.</summary>
    private static async Task<List<(string Name, string Expression, bool Unique)>> StoreIndexesAsync(string path)
    {
        using (var store = new LiteDbFeedStore(path))
        {
            var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
            await store.SaveArticlesAsync([ArticleOf(source.Id, 0, new Random(0))], [], default);
        }

        using var database = new LiteDatabase(path);
        return database.GetCollection("$indexes").Find("collection = 'articles' AND name != '_id'")
            .Select(index => (index["name"].AsString, index["expression"].AsString, index["unique"].AsBoolean))
            .ToList();
    }

    private static (double CpuPerFeed, double Megabytes) Insert(string path, int feeds, List<(string Name, string Expression, bool Unique)> indexes, string variant)
    {
        foreach (var file in new[] { path, Path.ChangeExtension(path, null) + "-log.db" })
        {
            File.Delete(file);
        }

        var lookUp = variant != "without StoryKeys";
        using (var database = new LiteDatabase(path))
        {
            var articles = database.GetCollection("articles", BsonAutoId.Int64);
            foreach (var (name, expression, unique) in indexes.Where(index => variant != "without " + index.Name))
            {
                articles.EnsureIndex(name, expression, unique);
            }

            // The same articles for every variant.
            var random = new Random(15);
            var process = Process.GetCurrentProcess();
            var cpuAtHalf = TimeSpan.Zero;
            for (var feed = 1; feed <= feeds; feed++)
            {
                if (feed == (feeds / 2) + 1)
                {
                    process.Refresh();
                    cpuAtHalf = process.TotalProcessorTime;
                }

                var before = variant == Before || (variant == PlacedOverBefore && feed <= feeds / 2);
                var documents = new List<BsonDocument>(ArticlesPerFeed);
                var keys = new List<string>();
                for (var item = 0; item < ArticlesPerFeed; item++)
                {
                    var article = ArticleOf(feed, item, random);
                    article.Id = ((feed - 1L) * ArticlesPerFeed) + item + 1;
                    if (before)
                    {
                        article.StoryKeys = article.StoryKeys.ConvertAll(StoryIdentity.StoryOf);
                    }

                    keys.AddRange(article.StoryKeys);
                    documents.Add(LiteDbFeedStore.ToDocument(article));
                }

                if (lookUp)
                {
                    var wanted = StoryIdentity.LookupKeysOf(keys, bareToo: variant == PlacedOverBefore).Select(key => new BsonValue(key));
                    _ = articles.Query().Where(BsonExpression.Create("$.StoryKeys[*] ANY IN @0", new BsonArray(wanted)))
                        .Select("{ _id, SourceId, DuplicateOf, StoryKeys }").ToList();
                }

                database.BeginTrans();
                articles.Insert(documents);
                database.Commit();
            }

            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuAtHalf).TotalMilliseconds / (feeds - (feeds / 2));
            database.Checkpoint();
            return (cpu, new FileInfo(path).Length / 1048576.0);
        }
    }

    /// <summary>A farm item on a site of its own: its link in a folder of its day, its guid a URL of the site (WordPress's <c>?p=</c>), about 2.5 KB of text.</summary>
    private static Article ArticleOf(long feed, int item, Random random)
    {
        var sortDate = Newest.AddMinutes(-random.Next(0, 60 * 24 * 28));
        var site = string.Create(Invariant, $"https://blog{feed}.example");
        var link = string.Create(Invariant, $"{site}/{sortDate:yyyy/MM/dd}/post-{item}-{random.Next()}/");
        var guid = string.Create(Invariant, $"{site}/?p={100000 + item}");
        var text = Words(random, 2200);
        return new Article
        {
            SourceId = feed,
            Key = "id:" + guid,
            Title = Words(random, 40),
            Link = link,
            StoryKeys = StoryIdentity.KeysOf(link, guid, canonicalUrl: null),
            Author = "Søren Kierkegaard",
            Summary = text[..200],
            Content = "<p>" + text + "</p>",
            Tags = ["Linux", "Tech"],
            Published = sortDate,
            SortDate = sortDate,
            FirstSeenAt = Newest,
            ChangedAt = Newest,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32],
            EntryId = string.Create(Invariant, $"tag:bench,2026-11-20:source/{feed}/{item}"),
            Extraction = ExtractionState.NotNeeded,
            WordCount = 350,
            Language = "en",
        };
    }

    private static string Words(Random random, int length)
    {
        string[] words = ["cache", "mountain", "storage", "election", "energy", "memory", "design", "stream", "version", "author", "museum", "typography", "kernel", "health", "mobile"];
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(words[random.Next(words.Length)]).Append(' ');
        }

        return text.ToString(0, length);
    }
}
