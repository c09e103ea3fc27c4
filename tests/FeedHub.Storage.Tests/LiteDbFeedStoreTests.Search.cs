using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Storage.Tests;

/// <summary>The Lucene index beside the LiteDB file: crashes, a lost or foreign index, writes made without it.</summary>
public sealed partial class LiteDbFeedStoreTests
{
    /// <summary>The index is committed only when the store closes, so a crash always leaves it behind the store.</summary>
    private static readonly LiteDbSearchOptions SearchOptions = new() { CommitInterval = Timeout.InfiniteTimeSpan };

    private string SearchIndexPath => Path.Combine(_directory, "feedhub.search");

    /// <summary>
    /// What a killed process leaves: the files as they are on disk while the store is open (LiteDB's log not yet
    /// checkpointed, the index's last commit plus files it had not committed). The copy is opened in place of the original.
    /// </summary>
    protected override Task<IFeedStore> CrashAndReopenAsync(IFeedStore store)
    {
        var crashed = Path.Combine(_directory, "crashed");
        Directory.CreateDirectory(crashed);
        CopyDirectory(_directory, crashed);
        CopyDirectory(SearchIndexPath, Path.Combine(crashed, "feedhub.search"));
        ((LiteDbFeedStore)store).Dispose();
        foreach (var file in Directory.GetFiles(_directory))
        {
            File.Delete(file);
        }

        Directory.Delete(SearchIndexPath, recursive: true);
        foreach (var file in Directory.GetFiles(crashed))
        {
            File.Move(file, Path.Combine(_directory, Path.GetFileName(file)));
        }

        Directory.Move(Path.Combine(crashed, "feedhub.search"), SearchIndexPath);
        Directory.Delete(crashed);
        return CreateStoreAsync();
    }

    [Fact]
    public async Task After_a_crash_the_outbox_is_replayed_into_the_index()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        await Store.SaveArticlesAsync([Article(source.Id, "id:1", "Kingfishers nest by the river.")], [], default);

        Store = await CrashAndReopenAsync(Store);

        Assert.Equal("replayed 1 changes the index had not committed", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Single(await SearchAsync("kingfisher"));
        Store = await ReopenAsync(Store);
        Assert.Equal("up to date", ((LiteDbFeedStore)Store).SearchIndexState);
    }

    [Fact]
    public async Task One_outbox_entry_covers_a_write_and_a_crash_replays_each_article_and_source_it_names()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        await Store.SaveArticlesAsync(
            [Article(source.Id, "id:1", "Kingfishers nest by the river."), Article(source.Id, "id:2", "Herons wait by the river.")], [], default);
        await ChangeAsync(source.Id, stored => stored.DisplayName = "Riverbank");

        Store = await CrashAndReopenAsync(Store);

        Assert.Equal("replayed 3 changes the index had not committed", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Equal(2, (await SearchAsync("river")).Count);
        Assert.Equal(2, (await SearchAsync("riverbank")).Count);
    }

    /// <summary>
    /// A source's first poll learns its title before storing its first articles: with nothing of it in the index yet,
    /// the title is saved without a search outbox entry, and the articles are indexed under it. A later new title
    /// names articles already indexed, so it has its entry and a crash replays it.
    /// </summary>
    [Fact]
    public async Task A_title_learned_before_any_article_needs_no_outbox_entry_and_a_later_one_is_replayed()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        await Store.SavePollAsync(new PollResult(source.Id) { Feed = new LearnedFeed("Kingfisher Weekly", "https://a.example/") }, default);
        await Store.SaveArticlesAsync([Article(source.Id, "id:1", "Herons wait by the river.")], [], default);

        Store = await CrashAndReopenAsync(Store);

        Assert.Equal("replayed 1 changes the index had not committed", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Single(await SearchAsync("kingfisher"));

        await Store.SavePollAsync(new PollResult(source.Id) { Feed = new LearnedFeed("Heron Monthly", "https://a.example/") }, default);
        Store = await CrashAndReopenAsync(Store);

        Assert.Equal("replayed 1 changes the index had not committed", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Single(await SearchAsync("monthly"));
        Assert.Empty(await SearchAsync("kingfisher"));
    }

    /// <summary>Files from before wrote an entry per article or source: one a crash left behind is replayed as such.</summary>
    [Fact]
    public async Task Outbox_entries_of_the_layout_before_are_replayed_on_opening()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        await Store.SaveArticlesAsync([Article(source.Id, "id:1", "Kingfishers nest by the river.")], [], default);
        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDB.LiteDatabase(DatabasePath))
        {
            // Written behind the index's back, with the entries the FeedHub before wrote for them.
            var articles = database.GetCollection("articles");
            var herons = articles.FindAll().Single();
            herons["_id"] = 2L;
            herons["Key"] = "id:2";
            herons["Identity"] = "herons";
            herons["Title"] = "Herons wait by the river.";
            articles.Insert(herons);
            var sources = database.GetCollection("sources");
            var renamed = sources.FindAll().Single();
            renamed["DisplayName"] = "Riverbank";
            sources.Update(renamed);
            var outbox = database.GetCollection("search_outbox");
            outbox.Insert(new LiteDB.BsonDocument { ["_id"] = 1_000_000L, ["Article"] = 2L });
            outbox.Insert(new LiteDB.BsonDocument { ["_id"] = 1_000_001L, ["Source"] = source.Id });
        }

        Store = await CreateStoreAsync();

        Assert.Equal("replayed 2 changes the index had not committed", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Equal(2, (await SearchAsync("river")).Count);
        Assert.Equal(2, (await SearchAsync("riverbank")).Count);
        Store = await ReopenAsync(Store);
        Assert.Equal("up to date", ((LiteDbFeedStore)Store).SearchIndexState);
    }

    [Fact]
    public async Task A_missing_or_foreign_index_is_rebuilt_after_opening()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        await Store.SaveArticlesAsync([Article(source.Id, "id:1", "Kingfishers nest by the river.")], [], default);
        ((LiteDbFeedStore)Store).Dispose();
        Directory.Delete(SearchIndexPath, recursive: true);

        Store = await CreateStoreAsync();
        await ((LiteDbFeedStore)Store).SearchIndexReady;

        Assert.Equal("rebuilt 1 articles: there is no search index yet", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Single(await SearchAsync("kingfisher"));

        // Another installation's index in its place (a restored backup of one but not the other).
        var other = Directory.CreateTempSubdirectory("feedhub-litedb-other-").FullName;
        try
        {
            using (new LiteDbFeedStore(Path.Combine(other, "feedhub.db")))
            {
            }

            ((LiteDbFeedStore)Store).Dispose();
            Directory.Delete(SearchIndexPath, recursive: true);
            CopyDirectory(Path.Combine(other, "feedhub.search"), SearchIndexPath);
            Store = await CreateStoreAsync();
            await ((LiteDbFeedStore)Store).SearchIndexReady;

            Assert.Equal("rebuilt 1 articles: the search index belongs to another database", ((LiteDbFeedStore)Store).SearchIndexState);
            Assert.Single(await SearchAsync("kingfisher"));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task Writes_made_without_the_index_are_indexed_at_the_next_opening_with_it()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        ((LiteDbFeedStore)Store).Dispose();
        using (var withoutSearch = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { Enabled = false }))
        {
            await withoutSearch.SaveArticlesAsync([Article(source.Id, "id:1", "Kingfishers nest by the river.")], [], default);
            await Assert.ThrowsAsync<InvalidOperationException>(() => withoutSearch.ListArticlesAsync(new ArticleQuery { Search = Query("kingfisher") }, default));
        }

        Store = await CreateStoreAsync();
        await ((LiteDbFeedStore)Store).SearchIndexReady;

        Assert.StartsWith("rebuilt 1 articles", ((LiteDbFeedStore)Store).SearchIndexState, StringComparison.Ordinal);
        Assert.Single(await SearchAsync("kingfisher"));
    }

    [Fact]
    public async Task An_article_id_used_again_replaces_what_the_index_held_under_it()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        var gone = Article(source.Id, "id:1", "Kingfishers nest by the river.");
        await Store.SaveArticlesAsync([gone], [], default);
        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDB.LiteDatabase(DatabasePath))
        {
            // Gone from the file behind the index's back: the next article takes its id again.
            database.GetCollection("articles").Delete(gone.Id);
        }

        Store = await CreateStoreAsync();
        var next = Article(source.Id, "id:2", "Herons wait in the shallows.");
        await Store.SaveArticlesAsync([next], [], default);

        Assert.Equal(gone.Id, next.Id);
        Assert.Empty(await SearchAsync("kingfisher"));
        Assert.Equal([next.Id], (await SearchAsync("heron")).Select(a => a.Id));
    }

    /// <summary>
    /// Many writers at once, each article saved again with new words, while the index is committed every few
    /// milliseconds (off the write lock): every article is found by its last words at once, and the index the store
    /// leaves on closing covers every write.
    /// </summary>
    [Fact]
    public async Task Concurrent_writes_and_commits_leave_every_write_found_and_committed()
    {
        ((LiteDbFeedStore)Store).Dispose();
        Store = new LiteDbFeedStore(DatabasePath, new LiteDbSearchOptions { CommitInterval = TimeSpan.FromMilliseconds(5) });
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        const int writers = 8, perWriter = 80;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var article = Article(source.Id, $"id:{writer}:{i}", "Kingfishers nest by the river.");
                await Store.SaveArticlesAsync([article], [], default);
                // Another object, so the index cannot read the new words through the first one.
                var edited = Article(source.Id, article.Key, "Herons wait in the shallows.");
                edited.Id = article.Id;
                await Store.SaveArticlesAsync([], [edited], default);
            }
        })));

        Assert.Empty(await SearchAsync("kingfisher"));
        Assert.Equal(writers * perWriter, await CountFoundAsync("heron"));

        Store = await ReopenAsync(Store);

        Assert.Equal("up to date", ((LiteDbFeedStore)Store).SearchIndexState);
        Assert.Empty(await SearchAsync("kingfisher"));
        Assert.Equal(writers * perWriter, await CountFoundAsync("heron"));
    }

    /// <summary>
    /// Writes index their articles after letting the write lock go, several at once: one article saved by many writers
    /// at once ends in the index as the store holds it (the last write committed), not as a write that indexed late.
    /// </summary>
    [Fact]
    public async Task One_article_saved_by_many_writers_at_once_is_indexed_as_last_stored()
    {
        string[] words = ["kingfisher", "heron", "otter", "badger", "falcon", "beaver", "marten", "plover"];
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        var article = Article(source.Id, "id:1", "Nothing yet.");
        await Store.SaveArticlesAsync([article], [], default);
        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(words.Select(word => Task.Run(async () =>
            {
                var edited = Article(source.Id, article.Key, word + "s by the river.");
                edited.Id = article.Id;
                await Store.SaveArticlesAsync([], [edited], default);
            })));

            var stored = (await Store.GetArticleAsync(article.Id, default))!;
            foreach (var word in words)
            {
                Assert.Equal(stored.Content!.Contains(word, StringComparison.Ordinal) ? [article.Id] : [], (await SearchAsync(word)).Select(a => a.Id));
            }
        }
    }

    /// <summary>Articles being indexed while their source is renamed are found under the new name once both are done.</summary>
    [Fact]
    public async Task Articles_indexed_while_their_source_is_renamed_are_found_by_the_new_name()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "Wetland Notes" }, default);
        for (var round = 0; round < 20; round++)
        {
            var saves = Enumerable.Range(0, 4).Select(writer => Task.Run(() =>
                Store.SaveArticlesAsync([Article(source.Id, $"id:{round}:{writer}", "Kingfishers nest by the river.")], [], default)));
            var title = round % 2 == 0 ? "Marsh Diary" : "Wetland Notes";
            await Task.WhenAll([.. saves, Task.Run(() => ChangeAsync(source.Id, stored => stored.Title = title))]);

            var found = await CountFoundAsync(round % 2 == 0 ? "marsh" : "wetland");
            Assert.Equal(4 * (round + 1), found);
            Assert.Equal(0, await CountFoundAsync(round % 2 == 0 ? "wetland" : "marsh"));
        }
    }

    private async Task<int> CountFoundAsync(string text)
    {
        var found = 0;
        ArticleQuery query = new() { Search = Query(text), Limit = 1000 };
        while ((await Store.ListArticlesAsync(query, default)) is { Count: > 0 } page)
        {
            found += page.Count;
            query = query with { Before = new ArticleCursor(page[^1].SortDate, page[^1].Id) };
        }

        return found;
    }

    /// <summary>Copies the files of a folder but not the locks (a dead process holds none).</summary>
    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private Task<IReadOnlyList<Article>> SearchAsync(string text) => Store.ListArticlesAsync(new ArticleQuery { Search = Query(text) }, default);

    private static SearchQuery Query(string text) => SearchQuery.TryParse(text, out var query, out _) ? query : throw new ArgumentException(text);

    private static Article Article(long sourceId, string key, string text) => new()
    {
        SourceId = sourceId,
        Key = key,
        ContentHash = key,
        Content = "<p>" + text + "</p>",
        Language = "en",
        SortDate = DateTimeOffset.UnixEpoch,
    };
}
