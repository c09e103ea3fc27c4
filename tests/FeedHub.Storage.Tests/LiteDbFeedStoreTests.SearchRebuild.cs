using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Storage.Tests;

/// <summary>
/// A lost index is rebuilt in the background: the store answers and takes writes at once, searches are refused while
/// it runs, and what was written meanwhile is found once it is done. The rebuild is held between two batches by a gate.
/// </summary>
public sealed partial class LiteDbFeedStoreTests
{
    private const int RebuiltArticles = 30;
    private const int RebuildBatch = 10;

    [Fact]
    public async Task A_lost_index_is_rebuilt_in_the_background_while_reads_and_writes_go_on()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "Wetland Notes" }, default);
        var articles = await SaveKingfishersAsync(source.Id);
        ((LiteDbFeedStore)Store).Dispose();
        Directory.Delete(SearchIndexPath, recursive: true);
        var gate = new RebuildGate(heldBeforeBatch: 2);

        Store = gate.Open(DatabasePath);
        await gate.Held;

        // Held after its first batch: the store reads and writes as usual.
        Assert.Equal(RebuiltArticles, (await Store.ListArticlesAsync(new ArticleQuery { Limit = 100 }, default)).Count);
        Assert.Equal(articles[20].Title, (await Store.GetArticleAsync(articles[20].Id, default))!.Title);
        var status = await Store.GetSearchIndexStatusAsync(default);
        Assert.Equal(SearchIndexPhase.Building, status.Phase);
        Assert.NotNull(status.Since);
        Assert.Equal((RebuildBatch, RebuiltArticles), (status.Done, status.Total));
        var refused = await Assert.ThrowsAsync<SearchIndexBuildingException>(() => SearchAsync("kingfisher"));
        Assert.Equal(status, refused.Status);

        // An article the rebuild has read, one it has not, a new one, and a poll that renames the source.
        var heron = Article(source.Id, "id:new", "Herons wait in the shallows.");
        await Store.SaveArticlesAsync([heron], [Edited(articles[4], "Otters play in the weir."), Edited(articles[24], "Badgers dig by the bank.")], default);
        await Store.SavePollAsync(new PollResult(source.Id) { Feed = new LearnedFeed("Marsh Diary", null) }, default);
        Assert.Equal(RebuiltArticles + 1, (await Store.ListArticlesAsync(new ArticleQuery { Limit = 100 }, default)).Count);
        await Assert.ThrowsAsync<SearchIndexBuildingException>(() => SearchAsync("heron"));

        gate.Release();
        await ((LiteDbFeedStore)Store).SearchIndexReady;

        Assert.Equal(SearchIndexStatus.Ready, await Store.GetSearchIndexStatusAsync(default));
        Assert.Equal("rebuilt 30 articles: there is no search index yet", ((LiteDbFeedStore)Store).SearchIndexState);
        await AssertFoundAfterRebuildAsync(articles, heron);

        // What the rebuild left is committed: the next opening has nothing to do.
        Store = await ReopenAsync(Store);
        Assert.Equal("up to date", ((LiteDbFeedStore)Store).SearchIndexState);
        await AssertFoundAfterRebuildAsync(articles, heron);
    }

    [Fact]
    public async Task A_store_closed_or_crashed_mid_rebuild_rebuilds_its_index_at_the_next_opening()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "Wetland Notes" }, default);
        await SaveKingfishersAsync(source.Id);
        ((LiteDbFeedStore)Store).Dispose();
        Directory.Delete(SearchIndexPath, recursive: true);

        // Closed while held: closing stops the rebuild (the gate is cancelled) and writes nothing of it.
        var gate = new RebuildGate(heldBeforeBatch: 2);
        Store = gate.Open(DatabasePath);
        await gate.Held;
        await Store.SaveArticlesAsync([Article(source.Id, "id:new", "Herons wait in the shallows.")], [], default);
        var stopped = ((LiteDbFeedStore)Store).SearchIndexReady;
        ((LiteDbFeedStore)Store).Dispose();
        Assert.True(stopped.IsCanceled);

        // Killed while held: the files as they were left (the index never committed) are opened again.
        gate = new RebuildGate(heldBeforeBatch: 2);
        Store = gate.Open(DatabasePath);
        await gate.Held;
        Store = await CrashAndReopenAsync(Store);
        await ((LiteDbFeedStore)Store).SearchIndexReady;

        Assert.Equal("rebuilt 31 articles: there is no search index yet", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Equal(RebuiltArticles, await CountFoundAsync("kingfisher"));
        Assert.Equal(1, await CountFoundAsync("heron"));
    }

    private async Task<List<Article>> SaveKingfishersAsync(long sourceId)
    {
        var articles = Enumerable.Range(0, RebuiltArticles).Select(i => Article(sourceId, $"id:{i}", "Kingfishers nest by the river.")).ToList();
        foreach (var article in articles)
        {
            article.Title = $"Kingfisher {article.Key}";
        }

        await Store.SaveArticlesAsync(articles, [], default);
        return articles;
    }

    /// <summary>Every article found once by its last words and its source's new name, none by what it said before.</summary>
    private async Task AssertFoundAfterRebuildAsync(List<Article> articles, Article heron)
    {
        Assert.Equal(RebuiltArticles - 2, await CountFoundAsync("kingfisher"));
        Assert.Equal([articles[4].Id], (await SearchAsync("otter")).Select(a => a.Id));
        Assert.Equal([articles[24].Id], (await SearchAsync("badger")).Select(a => a.Id));
        Assert.Equal([heron.Id], (await SearchAsync("heron")).Select(a => a.Id));
        Assert.Equal(RebuiltArticles + 1, await CountFoundAsync("marsh"));
        Assert.Equal(0, await CountFoundAsync("wetland"));
    }

    private static Article Edited(Article article, string text)
    {
        var edited = Article(article.SourceId, article.Key, text);
        edited.Id = article.Id;
        return edited;
    }

    /// <summary>Opens a store whose rebuild waits before one of its batches until released (or until the store closes).</summary>
    private sealed class RebuildGate(int heldBeforeBatch)
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _batches;

        /// <summary>Completes once the rebuild waits at the gate (the batches before it indexed).</summary>
        public Task Held => _held.Task;

        public LiteDbFeedStore Open(string path) => new(path, new LiteDbSearchOptions
        {
            CommitInterval = Timeout.InfiniteTimeSpan,
            RebuildBatchSize = RebuildBatch,
            BeforeRebuildBatch = async stopping =>
            {
                if (++_batches == heldBeforeBatch)
                {
                    _held.SetResult();
                    await _released.Task.WaitAsync(stopping);
                }
            },
        });

        public void Release() => _released.SetResult();
    }
}
