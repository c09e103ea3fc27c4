using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using LiteDB;
using LiteDB.Engine;

using static FeedHub.Storage.Tests.EngineFaults;

namespace FeedHub.Storage.Tests;

/// <summary>
/// What LiteDB's engine fails with when it, not the call, is at fault reaches the store's callers as a storage failure
/// (an <see cref="IOException"/>, which <see cref="StoreWrites"/> recognises), so a poll records "storage error" and
/// backs off, the web answers 503 and readiness says why, instead of an exception taken for a bug.
/// </summary>
public sealed partial class EngineReplacementTests
{
    [Fact]
    public async Task A_write_alone_that_meets_the_engine_closed_by_its_own_check_fails_as_a_storage_failure_and_the_next_one_is_stored()
    {
        using var store = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { CommitInterval = Timeout.InfiniteTimeSpan }, _log);
        await store.SetSettingAsync("test.setting", "before", default);

        FailOwnCheck(store.Engine.Open!);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => store.SetSettingAsync("test.setting", "refused", default));

        Assert.True(StoreWrites.IsStorageFailure(failure), $"not a storage failure: {failure}");
        Assert.StartsWith("storage error: the database engine found its state inconsistent (Page type must be data page", StoreWrites.Describe(failure), StringComparison.Ordinal);
        Assert.Equal(1, _log.Replacements);
        await store.SetSettingAsync("test.setting", "after", default);
        Assert.Equal("after", await store.GetSettingAsync("test.setting", default));
    }

    [Fact]
    public async Task A_write_of_a_source_that_meets_the_engine_closed_by_its_own_check_fails_as_a_storage_failure()
    {
        using var store = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { CommitInterval = Timeout.InfiniteTimeSpan }, _log);
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "A" }, default);

        // A poll's save of its source reads it from memory under the write lock: its update is the first to meet the engine closed.
        FailOwnCheck(store.Engine.Open!);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => store.SavePollAsync(new PollResult(source.Id) { Fetch = new FetchState { PollCount = 1 } }, default));

        Assert.True(StoreWrites.IsStorageFailure(failure), $"not a storage failure: {failure}");
        await store.SavePollAsync(new PollResult(source.Id) { Fetch = new FetchState { PollCount = 2 } }, default);
        Assert.Equal(2, (await store.GetSourceAsync(source.Id, default))!.Fetch.PollCount);
    }

    [Fact]
    public async Task A_poll_whose_commit_meets_the_engine_closed_under_it_by_another_call_is_stored_by_the_engine_opened_again()
    {
        using var store = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { CommitInterval = Timeout.InfiniteTimeSpan }, _log);
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "A" }, default);
        await EntryIds.InstallationAuthorityAsync(store, default); // claimed in a commit of its own, before the poll's
        var transactions = store.WriteTransactions;

        // Another call's check fails while the poll's group commits: LiteDB closes the engine, and the commit meets the
        // file closed under it (ObjectDisposedException), the engine's failure and not the write's own.
        var commit = store.Engine.Committing;
        store.Engine.Committing = engine =>
        {
            store.Engine.Committing = commit;
            FailOwnCheck(engine);
            throw new ObjectDisposedException("FileStream", "Cannot access a closed file.");
        };
        await store.SaveArticlesAsync([NewArticle(source.Id, 1)], [], default);

        Assert.Equal(transactions + 1, store.WriteTransactions);
        Assert.Equal(["Post 1"], (await store.ListArticlesAsync(new ArticleQuery { Limit = 10 }, default)).Select(article => article.Title));
        Assert.True(SearchQuery.TryParse("post", out var query, out _));
        Assert.Equal(["Post 1"], (await store.ListArticlesAsync(new ArticleQuery { Search = query, Limit = 10 }, default)).Select(article => article.Title));
        Assert.Equal(1, _log.Replacements);
    }

    [Fact]
    public void A_write_that_waits_out_the_lock_timeout_for_a_collection_fails_as_a_storage_failure()
    {
        // A second's timeout instead of LiteDB's minute (the file's pragma, which the wrapper takes as its own bound).
        using (var setUp = new LiteEngine(DatabasePath))
        {
            setUp.Pragma(Pragmas.TIMEOUT, 1);
        }

        using var engine = new ReopeningEngine(DatabasePath, _log);
        using var database = new LiteDatabase(engine);
        var numbers = Numbers(database);

        // Another thread's transaction holds the collection until the write has given up waiting for it.
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = WaitingCall.Start(() =>
        {
            database.BeginTrans();
            numbers.Delete(1);
            holding.Set();
            release.Wait();
            database.Rollback();
        });
        Assert.True(holding.Wait(Bound));
        var failure = Assert.ThrowsAny<Exception>(() => numbers.Insert(new BsonDocument { ["_id"] = 1001 }));
        release.Set();
        Assert.Null(holder.End(Bound));

        Assert.True(StoreWrites.IsStorageFailure(failure), $"not a storage failure: {failure}");
        Assert.StartsWith("storage error: the database was too busy (Collection 'numbers' lock timeout", StoreWrites.Describe(failure), StringComparison.Ordinal);
        numbers.Insert(new BsonDocument { ["_id"] = 1001 });
        Assert.Equal(1001, numbers.Count());
        Assert.Equal(0, _log.Replacements);
    }
}
