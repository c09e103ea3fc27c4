using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using LiteDB;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Group commit: writes of articles that arrive while the write lock is held queue up and are committed together, in
/// one transaction, each caller returning once its own is committed and indexed. The lock is held by a change of a
/// source whose decision waits for the test: the writes started meanwhile queue behind it, which the test waits for.
/// </summary>
public sealed partial class LiteDbFeedStoreTests
{
    [Fact]
    public async Task Saves_queued_behind_a_write_commit_in_one_transaction_and_all_survive_a_crash()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://group.example/feed" }, default);
        var store = (LiteDbFeedStore)Store;
        var keys = Enumerable.Range(0, 8).Select(i => $"post-{i}").ToList();

        var transactions = await WhileTheWriteLockIsHeldAsync(store, source.Id, keys.Select(key => (Action)(() => Save(store, source.Id, key))).ToList(),
            saves => Task.WhenAll(saves));

        Assert.Equal(1, transactions);
        Store = await CrashAndReopenAsync(Store);
        var stored = await Store.GetArticlesByKeysAsync(source.Id, keys, default);
        Assert.Equal(keys.Order(StringComparer.Ordinal), stored.Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.Equal(stored.Select(a => a.Id).Order(), await SearchIdsAsync("grouped"));
    }

    [Fact]
    public async Task A_write_that_throws_in_a_group_fails_alone_and_the_others_are_committed()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://group.example/feed" }, default);
        var store = (LiteDbFeedStore)Store;
        Save(store, source.Id, "taken");
        LiteException? refused = null;

        // The second of three inserts a key the source already holds: the unique index refuses it.
        var transactions = await WhileTheWriteLockIsHeldAsync(store, source.Id,
            [() => Save(store, source.Id, "first"), () => Save(store, source.Id, "taken"), () => Save(store, source.Id, "third")],
            async saves =>
            {
                await saves[0];
                await saves[2];
                refused = await Assert.ThrowsAsync<LiteException>(() => saves[1]);
            });

        Assert.Equal(1, transactions);
        Assert.Equal(LiteException.INDEX_DUPLICATE_KEY, refused!.ErrorCode);
        Store = await CrashAndReopenAsync(Store);
        var stored = await Store.GetArticlesByKeysAsync(source.Id, ["taken", "first", "third"], default);
        Assert.Equal(["first", "taken", "third"], stored.Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.Equal(3, await Store.CountArticlesAsync(source.Id, default));
        Assert.Equal(stored.Select(a => a.Id).Order(), await SearchIdsAsync("grouped"));
    }

    /// <summary>
    /// Holds the store's write lock (a change of the source that waits before deciding) while each save starts on a
    /// thread of its own, in order, each once the one before is queued; lets go once all are queued, then awaits
    /// <paramref name="outcome"/> of the saves. Returns how many transactions the saves were committed in.
    /// </summary>
    private static async Task<long> WhileTheWriteLockIsHeldAsync(LiteDbFeedStore store, long sourceId, List<Action> saves, Func<Task[], Task> outcome)
    {
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Factory.StartNew(
            () => store.ChangeSourceAsync(sourceId, _ =>
            {
                holding.Set();
                release.Wait();
                return false;
            }, default),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
        Assert.True(holding.Wait(TimeSpan.FromSeconds(30)), "the change of the source holds the write lock");
        var before = store.WriteTransactions;

        var started = new Task[saves.Count];
        try
        {
            for (var i = 0; i < saves.Count; i++)
            {
                started[i] = Task.Factory.StartNew(saves[i], CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                var queued = i + 1;
                Assert.Equal(queued, await Eventually.Async(() => Task.FromResult(store.QueuedWrites), count => count == queued));
            }
        }
        finally
        {
            // Also when the saves did not queue: the lock let go, the store can close.
            release.Set();
            await holder;
        }

        await outcome(started);
        return store.WriteTransactions - before;
    }

    private static void Save(LiteDbFeedStore store, long sourceId, string key)
    {
        var published = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var article = new Article
        {
            SourceId = sourceId, Key = key, ContentHash = "hash-" + key, Title = "Grouped " + key, Link = "https://group.example/" + key,
            Published = published, SortDate = published, FirstSeenAt = published, ChangedAt = published, Content = "<p>A grouped save.</p>",
        };
        store.SaveArticlesAsync([article], [], default).GetAwaiter().GetResult();
    }

    private async Task<List<long>> SearchIdsAsync(string text)
    {
        Assert.True(SearchQuery.TryParse(text, out var query, out var problem), problem);
        return (await Store.ListArticlesAsync(new ArticleQuery { Search = query, Limit = 100 }, default)).Select(a => a.Id).Order().ToList();
    }
}
