using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Storage.Tests;

/// <summary>
/// A commit that throws. LiteDB writes a transaction to its log and confirms it there before it checkpoints the log
/// into the file, so a full disk can fail a commit at either step: before the confirmation nothing of the transaction
/// is kept, after it the transaction is in the file all the same. The commit fails here the way the disk fails it,
/// through the engine wrapper's commit, once.
/// </summary>
public sealed partial class LiteDbFeedStoreTests
{
    [Fact]
    public async Task A_group_whose_commit_lands_and_then_throws_is_committed_once_and_found_by_search_at_once()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://group.example/feed" }, default);
        var store = (LiteDbFeedStore)Store;
        string[] keys = ["first", "second", "third"];
        FailNextCommit(store, afterItLands: true);

        // Every save returns: its articles are stored, once (done again, their inserts would collide with themselves).
        var transactions = await WhileTheWriteLockIsHeldAsync(store, source.Id, keys.Select(key => (Action)(() => Save(store, source.Id, key))).ToList(),
            saves => Task.WhenAll(saves));

        Assert.Equal(1, transactions);
        var stored = await Store.GetArticlesByKeysAsync(source.Id, keys, default);
        Assert.Equal(keys.Order(StringComparer.Ordinal), stored.Select(a => a.Key).Order(StringComparer.Ordinal));
        Assert.Equal(3, await Store.CountArticlesAsync(source.Id, default));
        Assert.Equal(stored.Select(a => a.Id).Order(), await SearchIdsAsync("grouped"));

        // The writes after it take new outbox positions and ids, and a crash loses none of them.
        Save(store, source.Id, "fourth");
        Store = await CrashAndReopenAsync(Store);
        var all = await Store.GetArticlesByKeysAsync(source.Id, [.. keys, "fourth"], default);
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Select(a => a.Id).Order(), await SearchIdsAsync("grouped"));
    }

    [Fact]
    public async Task A_write_alone_whose_commit_lands_and_then_throws_is_committed()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://group.example/feed" }, default);
        var store = (LiteDbFeedStore)Store;
        FailNextCommit(store, afterItLands: true);

        Save(store, source.Id, "alone");

        var stored = Assert.Single(await Store.GetArticlesByKeysAsync(source.Id, ["alone"], default));
        Assert.Equal([stored.Id], await SearchIdsAsync("grouped"));
        Save(store, source.Id, "next");
        Assert.Equal(2, await Store.CountArticlesAsync(source.Id, default));
    }

    [Fact]
    public async Task A_group_whose_commit_throws_before_it_lands_is_done_again_write_by_write()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://group.example/feed" }, default);
        var store = (LiteDbFeedStore)Store;
        string[] keys = ["first", "second", "third"];
        FailNextCommit(store, afterItLands: false);

        var transactions = await WhileTheWriteLockIsHeldAsync(store, source.Id, keys.Select(key => (Action)(() => Save(store, source.Id, key))).ToList(),
            saves => Task.WhenAll(saves));

        Assert.Equal(3, transactions);
        var stored = await Store.GetArticlesByKeysAsync(source.Id, keys, default);
        Assert.Equal(3, stored.Count);
        Assert.Equal(stored.Select(a => a.Id).Order(), await SearchIdsAsync("grouped"));
        Store = await CrashAndReopenAsync(Store);
        Assert.Equal(stored.Select(a => a.Id).Order(), await SearchIdsAsync("grouped"));
    }

    [Fact]
    public async Task A_commit_that_fails_on_an_engine_still_open_is_rolled_back_and_the_write_fails()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://group.example/feed" }, default);
        var store = (LiteDbFeedStore)Store;

        // Not the engine's failure: the engine stays open, with the transaction, which must not stay open on the thread
        // (its next read would see the write, and its next transaction carry it into the file).
        FailNextCommit(store, afterItLands: false, new InvalidOperationException("a commit failing on purpose"));
        Assert.Throws<InvalidOperationException>(() => Save(store, source.Id, "failed"));

        Assert.Empty(await Store.GetArticlesByKeysAsync(source.Id, ["failed"], default));
        Save(store, source.Id, "next");
        Store = await CrashAndReopenAsync(Store);
        Assert.Equal(["next"], (await Store.GetArticlesByKeysAsync(source.Id, ["failed", "next"], default)).Select(a => a.Key));
        Assert.Equal(1, await Store.CountArticlesAsync(source.Id, default));
    }

    [Fact]
    public async Task An_add_whose_commit_lands_and_then_throws_returns_the_source_that_a_second_add_of_its_address_finds()
    {
        FailNextCommit((LiteDbFeedStore)Store, afterItLands: true);

        var added = await Store.AddSourceAsync(new Source { FeedUrl = "https://landed.example/feed" }, default);

        Assert.True(added.Id > 0);
        Assert.Equal(added.Id, (await Store.AddSourceAsync(new Source { FeedUrl = "https://landed.example/feed" }, default)).Id);
        Store = await CrashAndReopenAsync(Store);
        Assert.Equal([added.Id], (await Store.ListSourcesAsync(default)).Select(s => s.Id));
    }

    [Fact]
    public async Task An_add_whose_commit_throws_before_it_lands_fails_and_the_add_tried_again_stores_the_source_once()
    {
        FailNextCommit((LiteDbFeedStore)Store, afterItLands: false);

        await Assert.ThrowsAnyAsync<IOException>(() => Store.AddSourceAsync(new Source { FeedUrl = "https://refused.example/feed" }, default));

        var added = await Store.AddSourceAsync(new Source { FeedUrl = "https://refused.example/feed" }, default);
        Store = await CrashAndReopenAsync(Store);
        Assert.Equal([added.Id], (await Store.ListSourcesAsync(default)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_claim_whose_commit_lands_and_then_throws_is_the_claimer_s()
    {
        FailNextCommit((LiteDbFeedStore)Store, afterItLands: true);

        Assert.True(await Store.ClaimSettingAsync("claimed", "mine", default));

        Assert.False(await Store.ClaimSettingAsync("claimed", "theirs", default));
        Assert.Equal("mine", await Store.GetSettingAsync("claimed", default));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Quiet_polls_whose_commit_throws_are_read_as_the_file_holds_them(bool afterItLands)
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://quiet.example/feed" }, default);
        FailNextCommit((LiteDbFeedStore)Store, afterItLands);

        await Assert.ThrowsAnyAsync<IOException>(() => Store.SaveFetchStatesAsync([new PollResult(source.Id) { Fetch = new FetchState { PollCount = 1, ETag = "\"quiet\"" } }], default));

        // Read from memory, as the file holds the source: the batch when its commit landed, the source before it otherwise.
        var read = await Store.GetSourceAsync(source.Id, default);
        Store = await CrashAndReopenAsync(Store);
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal(afterItLands ? 1 : 0, stored!.Fetch.PollCount);
        Assert.Equal((stored.Fetch.PollCount, stored.Fetch.ETag), (read!.Fetch.PollCount, read.Fetch.ETag));
    }

    /// <summary>
    /// Makes the store's next commit throw, by default "No space left on device" as a full disk does: before LiteDB
    /// confirms the transaction (the write of its log), or after (the checkpoint it makes once the transaction is confirmed).
    /// </summary>
    private static void FailNextCommit(LiteDbFeedStore store, bool afterItLands, Exception? failure = null)
    {
        // The first articles' write claims the installation's entry id authority in a commit of its own: claimed now,
        // the next commit is the one the test means.
        EntryIds.InstallationAuthorityAsync(store, default).GetAwaiter().GetResult();
        var engine = store.Engine;
        var commit = engine.Committing;
        engine.Committing = liteEngine =>
        {
            engine.Committing = commit;
            if (afterItLands)
            {
                commit(liteEngine);
            }

            throw failure ?? new IOException("No space left on device (a commit failed on purpose)");
        };
    }
}
