using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using LiteDB;
using LiteDB.Engine;
using Microsoft.Extensions.Logging;

using static FeedHub.Storage.Tests.EngineFaults;

namespace FeedHub.Storage.Tests;

/// <summary>
/// LiteDB closes its engine itself when one of its own checks fails (its page cache breaks now and then under
/// concurrent writers and readers), in whichever call meets it, under the reads other threads have under way. Here
/// the check fails on purpose where LiteDB's do, inside a write, and LiteDB closes the engine as it then does; what
/// follows is the real replacement: the engine opened again, each time logged, and the reads done again on it.
/// </summary>
public sealed partial class EngineReplacementTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("feedhub-litedb-").FullName;
    private readonly ReplacementLog _log = new();

    private string DatabasePath => Path.Combine(_directory, "feedhub.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Store_reads_that_meet_the_engine_closed_by_its_own_check_are_answered_by_the_engine_opened_again()
    {
        using var store = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { CommitInterval = Timeout.InfiniteTimeSpan }, _log);
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "A" }, default);
        var articles = Enumerable.Range(1, 30).Select(i => NewArticle(source.Id, i)).ToList();
        await store.SaveArticlesAsync(articles, [], default);
        await store.SetSettingAsync("test.setting", "A", default);

        // Each read's first query meets the engine closed, before the call that closed it has replaced it.
        FailOwnCheck(store.Engine.Open!);
        var page = await store.ListArticlesAsync(new ArticleQuery { Limit = 50 }, default);
        Assert.Equal(Enumerable.Range(1, 30).Reverse().Select(i => $"Post {i}"), page.Select(a => a.Title));

        FailOwnCheck(store.Engine.Open!);
        Assert.Equal("Post 7", (await store.GetArticleAsync(articles[6].Id, default))?.Title);

        FailOwnCheck(store.Engine.Open!);
        Assert.Equal(30, await store.CountArticlesAsync(source.Id, default));

        // (A source is read from memory, not the file: a setting is read instead.)
        FailOwnCheck(store.Engine.Open!);
        Assert.Equal("A", await store.GetSettingAsync("test.setting", default));

        Assert.Equal(4, _log.Replacements);
    }

    [Fact]
    public void A_read_that_meets_its_engine_closed_while_it_reads_a_result_is_done_again_on_the_engine_opened_again()
    {
        using var engine = new ReopeningEngine(DatabasePath, _log);
        using var database = new LiteDatabase(engine);

        // The result is read lazily: the engine closes between two of its documents.
        var (ids, attempts) = ReadNumbers(engine, Numbers(database), midway: () => FailOwnCheck(engine.Open!));

        Assert.Equal(Enumerable.Range(1, 1000), ids);
        Assert.Equal(2, attempts);
        Assert.Equal(1, _log.Replacements);
    }

    [Fact]
    public void A_read_under_way_when_another_threads_write_meets_the_check_and_replaces_the_engine_is_done_again()
    {
        using var engine = new ReopeningEngine(DatabasePath, _log);
        using var database = new LiteDatabase(engine);
        var numbers = Numbers(database);
        var before = engine.Open;

        var (ids, attempts) = ReadNumbers(engine, numbers, midway: () =>
        {
            // Another thread's write, through the store's engine: it fails, and replaces the engine on its way out.
            var write = Task.Run(() => Assert.ThrowsAny<IOException>(() => engine.Insert("other", FailingDocuments(), BsonAutoId.Int64)));
            Assert.Equal(LiteException.INVALID_DATAFILE_STATE, Assert.IsType<LiteException>(write.GetAwaiter().GetResult().InnerException).ErrorCode);
            Assert.Null(engine.Open);
        });

        Assert.Equal(Enumerable.Range(1, 1000), ids);
        Assert.Equal(2, attempts);
        Assert.Equal(1, _log.Replacements);
        Assert.NotSame(before, engine.Open);
        numbers.Insert(new BsonDocument { ["_id"] = 1001 });
        Assert.Equal(1001, numbers.Count());
    }

    [Fact]
    public void A_read_within_a_transaction_is_not_done_again_alone()
    {
        using var engine = new ReopeningEngine(DatabasePath, _log);
        using var database = new LiteDatabase(engine);
        var numbers = Numbers(database);
        var attempts = 0;

        database.BeginTrans();
        FailOwnCheck(engine.Open!);
        var failure = Assert.ThrowsAny<IOException>(() => engine.Read(() =>
        {
            attempts++;
            return numbers.FindAll().ToList();
        }));
        database.Rollback();

        Assert.Equal(LiteException.INVALID_DATAFILE_STATE, Assert.IsType<LiteException>(failure.InnerException).ErrorCode);
        Assert.Equal(1, attempts);
        Assert.Equal(1000, engine.Read(() => numbers.Count()));
    }

    [Fact]
    public void A_read_failing_on_an_engine_that_is_still_open_is_not_done_again_and_leaves_the_engine_open()
    {
        using var engine = new ReopeningEngine(DatabasePath, _log);
        using var database = new LiteDatabase(engine);
        var numbers = Numbers(database);
        var open = engine.Open;
        var attempts = 0;

        Assert.Throws<InvalidOperationException>(() => engine.Read<int>(() =>
        {
            attempts++;
            _ = numbers.FindAll().Take(10).ToList();
            throw new InvalidOperationException("the caller's own failure");
        }));

        Assert.Equal(1, attempts);
        Assert.Same(open, engine.Open);
        Assert.Equal(0, _log.Replacements);
    }

    /// <summary>
    /// Reads every number through <see cref="ReopeningEngine.Read{T}"/>, document by document; on the first attempt,
    /// <paramref name="midway"/> runs after the tenth.
    /// </summary>
    private static (List<int> Ids, int Attempts) ReadNumbers(ReopeningEngine engine, ILiteCollection<BsonDocument> numbers, Action midway)
    {
        var attempts = 0;
        var ids = engine.Read(() =>
        {
            attempts++;
            var read = new List<int>();
            foreach (var document in numbers.FindAll())
            {
                read.Add(document["_id"].AsInt32);
                if (attempts == 1 && read.Count == 10)
                {
                    midway();
                }
            }

            return read;
        });
        return (ids, attempts);
    }

    private static ILiteCollection<BsonDocument> Numbers(LiteDatabase database)
    {
        var numbers = database.GetCollection("numbers");
        numbers.InsertBulk(Enumerable.Range(1, 1000).Select(i => new BsonDocument { ["_id"] = i, ["Text"] = new string('n', 200) }));
        return numbers;
    }

    private static Article NewArticle(long sourceId, int n) => new()
    {
        SourceId = sourceId,
        Key = $"id:{n}",
        ContentHash = $"hash-{n}",
        Title = $"Post {n}",
        Link = $"https://a.example/{n}",
        Published = T0.AddMinutes(n),
        SortDate = T0.AddMinutes(n),
        FirstSeenAt = T0,
        ChangedAt = T0,
    };

    /// <summary>Counts the store's replacements of its engine, as logged.</summary>
    private sealed class ReplacementLog : ILogger<LiteDbFeedStore>
    {
        private int _replacements;

        public int Replacements => Volatile.Read(ref _replacements);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("opened again", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _replacements);
            }
        }
    }
}
