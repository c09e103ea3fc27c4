using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using LiteDB;

using static FeedHub.Storage.Tests.EngineFaults;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Writes under way when LiteDB closes its engine: the closing disposes the transactions of other threads without
/// letting go of the collections they hold in it, so a write that waits for one of them must not wait in LiteDB (it
/// waited out the engine's lock timeout, a minute). Each waits for a collection another transaction holds, on a
/// thread of its own, until that thread is seen waiting; then the engine closes on its own check as in the other tests.
/// </summary>
public sealed partial class EngineReplacementTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_write_waiting_for_a_collection_when_the_engine_closes_is_done_on_the_engine_opened_again()
    {
        using var engine = new ReopeningEngine(DatabasePath, _log);
        using var database = new LiteDatabase(engine);
        var numbers = Numbers(database);

        // As a group of polls holds the search outbox while the timed commit of the index waits to forget part of it.
        database.BeginTrans();
        numbers.Insert(new BsonDocument { ["_id"] = 1001 });
        var forgetting = WaitingCall.Start(() => numbers.DeleteMany(Query.LTE("_id", 10)));
        forgetting.WaitUntilWaiting();

        FailOwnCheck(engine.Open!);
        Assert.ThrowsAny<IOException>(() => database.Commit());

        Assert.Null(forgetting.End(Bound));
        Assert.Equal(10, forgetting.Result);
        Assert.Equal(1, _log.Replacements);
        numbers.Insert(new BsonDocument { ["_id"] = 1002 });
        Assert.Equal(Enumerable.Range(11, 990).Append(1002), numbers.FindAll().Select(document => document["_id"].AsInt32));
    }

    [Fact]
    public void A_transaction_waiting_for_a_collection_when_the_engine_closes_fails_at_once_and_the_next_one_commits()
    {
        using var engine = new ReopeningEngine(DatabasePath, _log);
        using var database = new LiteDatabase(engine);
        var numbers = Numbers(database);
        var letters = database.GetCollection("letters");

        // As the timed commit of the index holds the search outbox while a group of polls waits to write to it.
        database.BeginTrans();
        numbers.Delete(1);
        using var atNumbers = new ManualResetEventSlim();
        var group = WaitingCall.Start(() => AddInTransaction(database, letters, numbers, atNumbers.Set));
        atNumbers.Wait(Bound);
        group.WaitUntilWaiting();

        FailOwnCheck(engine.Open!);
        Assert.ThrowsAny<IOException>(() => database.Commit());

        // The transaction had begun on the engine closed: it fails, at once, as a failure of the store.
        Assert.IsAssignableFrom<IOException>(group.End(Bound));
        var again = WaitingCall.Start(() => AddInTransaction(database, letters, numbers, () => { }));
        Assert.Null(again.End(Bound));
        Assert.Equal(["a"], letters.FindAll().Select(document => document["Text"].AsString));
        Assert.Equal(1001, numbers.Count());
        Assert.Equal(1, _log.Replacements);
    }

    [Fact]
    public async Task A_poll_whose_group_waits_for_the_search_outbox_when_the_engine_closes_is_stored_by_the_engine_opened_again()
    {
        using var store = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { CommitInterval = Timeout.InfiniteTimeSpan }, _log);
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "A" }, default);
        await store.SaveArticlesAsync([NewArticle(source.Id, 1)], [], default);
        var transactions = store.WriteTransactions;

        // The outbox held as the timed commit of the index holds it: the poll's group waits to write its entry.
        store.Engine.BeginTrans();
        store.Engine.Delete("search_outbox", [new BsonValue(1L)]);
        var poll = WaitingCall.Start(() => store.SaveArticlesAsync([NewArticle(source.Id, 2)], [], default).GetAwaiter().GetResult());
        poll.WaitUntilWaiting();

        FailOwnCheck(store.Engine.Open!);
        Assert.ThrowsAny<IOException>(() => store.Engine.Commit());

        // The group's transaction, dropped with the engine it began on, is done again on the one opened since.
        Assert.Null(poll.End(Bound));
        Assert.Equal(transactions + 1, store.WriteTransactions);
        await store.SaveArticlesAsync([NewArticle(source.Id, 3)], [], default);
        var river = await store.ListArticlesAsync(new ArticleQuery { Limit = 10 }, default);
        Assert.Equal(["Post 3", "Post 2", "Post 1"], river.Select(article => article.Title));
        Assert.Equal(1, _log.Replacements);
    }

    [Fact]
    public async Task A_poll_whose_group_meets_the_engine_closed_by_another_call_is_stored_by_the_engine_opened_again()
    {
        using var store = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { CommitInterval = Timeout.InfiniteTimeSpan }, _log);
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "A" }, default);
        var article = NewArticle(source.Id, 1);
        await store.SaveArticlesAsync([article], [], default);

        // Closed by another call that has not replaced it yet: the poll's group (an update: it reads nothing before)
        // is the first to meet it, at the beginning of its transaction.
        FailOwnCheck(store.Engine.Open!);
        article.Title = "Post 1, edited";
        await store.SaveArticlesAsync([], [article], default);

        Assert.Equal("Post 1, edited", (await store.GetArticleAsync(article.Id, default))?.Title);
        Assert.Equal(1, _log.Replacements);
    }

    /// <summary>A letter and a number in one transaction, rolled back if it fails.</summary>
    private static void AddInTransaction(LiteDatabase database, ILiteCollection<BsonDocument> letters, ILiteCollection<BsonDocument> numbers, Action atNumbers)
    {
        database.BeginTrans();
        try
        {
            letters.Insert(new BsonDocument { ["Text"] = "a" });
            atNumbers();
            numbers.Insert(new BsonDocument { ["_id"] = 2001 });
            database.Commit();
        }
        catch
        {
            database.Rollback();
            throw;
        }
    }

    /// <summary>A call on a thread of its own (LiteDB's transactions and locks are the thread's).</summary>
    private sealed class WaitingCall
    {
        private readonly Thread _thread;
        private Exception? _failure;

        private WaitingCall(Func<object?> call)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    Result = call();
                }
                catch (Exception failure)
                {
                    _failure = failure;
                }
            })
            {
                IsBackground = true,
            };
        }

        public object? Result { get; private set; }

        public static WaitingCall Start(Action call) => Start(() =>
        {
            call();
            return null;
        });

        public static WaitingCall Start(Func<object?> call)
        {
            var started = new WaitingCall(call);
            started._thread.Start();
            return started;
        }

        /// <summary>Until the call's thread waits (for the collection: it has nothing else to wait for on its way to it).</summary>
        public void WaitUntilWaiting()
        {
            var until = DateTime.UtcNow + Bound;
            while ((_thread.ThreadState & ThreadState.WaitSleepJoin) == 0)
            {
                Assert.True(DateTime.UtcNow < until && _thread.IsAlive, "the call never waited");
                Thread.Sleep(1);
            }
        }

        /// <summary>Waits for the call to end, within <paramref name="bound"/>, and returns its failure, if any.</summary>
        public Exception? End(TimeSpan bound)
        {
            Assert.True(_thread.Join(bound), $"the call was still waiting after {bound.TotalSeconds} s");
            return _failure;
        }
    }
}
