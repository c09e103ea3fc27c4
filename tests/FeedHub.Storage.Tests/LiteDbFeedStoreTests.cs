using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using LiteDB;

namespace FeedHub.Storage.Tests;

public sealed partial class LiteDbFeedStoreTests : FeedStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("feedhub-litedb-").FullName;

    private string DatabasePath => Path.Combine(_directory, "feedhub.db");

    protected override Task<IFeedStore> CreateStoreAsync() => Task.FromResult<IFeedStore>(new LiteDbFeedStore(DatabasePath, SearchOptions));

    protected override async Task<IFeedStore> ReopenAsync(IFeedStore store)
    {
        await CloseSeeingSourcesAsTheFileHoldsThemAsync(store);
        return await CreateStoreAsync();
    }

    protected override async Task DisposeStoreAsync(IFeedStore store)
    {
        await CloseSeeingSourcesAsTheFileHoldsThemAsync(store);
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>
    /// Closes the store, having read its sources (kept in memory, not read from the file) and checked them against its
    /// file as a store opened on it again reads them: after every test, so a write of a source anywhere in the store
    /// that does not keep what it wrote fails the test that made it.
    /// </summary>
    private async Task CloseSeeingSourcesAsTheFileHoldsThemAsync(IFeedStore store)
    {
        var read = await store.ListSourcesAsync(default);
        ((LiteDbFeedStore)store).Dispose();
        if (!File.Exists(DatabasePath))
        {
            return;
        }

        using var database = new LiteDatabase(DatabasePath, LiteDbFeedStore.CreateMapper()) { UtcDate = true };
        var stored = database.GetCollection<Source>("sources").FindAll().OrderBy(source => source.Id);
        Assert.Equal(stored.Select(source => System.Text.Json.JsonSerializer.Serialize(source)), read.Select(source => System.Text.Json.JsonSerializer.Serialize(source)));
    }

    [Fact]
    public async Task A_file_from_before_articles_had_a_hashed_identity_is_upgraded_on_opening()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        var article = new Article { SourceId = source.Id, Key = "id:1", ContentHash = "h", Title = "Old post" };
        await Store.SaveArticlesAsync([article], [], default);
        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDatabase(DatabasePath))
        {
            var articles = database.GetCollection("articles");
            articles.DropIndex("Identity");
            foreach (var document in articles.FindAll().ToList())
            {
                document.Remove("Identity");
                articles.Update(document);
            }

            articles.EnsureIndex("Key");
        }

        Store = await CreateStoreAsync();

        var found = Assert.Single(await Store.GetArticlesByKeysAsync(source.Id, ["id:1"], default));
        Assert.Equal("Old post", found.Title);
        await Assert.ThrowsAnyAsync<LiteException>(() => Store.SaveArticlesAsync([new Article { SourceId = source.Id, Key = "id:1", ContentHash = "h" }], [], default));
        Assert.Equal(1, await Store.CountArticlesAsync(source.Id, default));
    }

    [Fact]
    public void A_second_opening_of_the_same_file_is_refused_with_a_clear_message()
    {
        var refused = Assert.Throws<StoreInUseException>(() => new LiteDbFeedStore(DatabasePath));

        Assert.Contains("is in use by FeedHub process " + Environment.ProcessId, refused.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_can_be_opened_again_once_released()
    {
        ((LiteDbFeedStore)Store).Dispose();

        using var reopened = new LiteDbFeedStore(DatabasePath);

        Assert.True(File.Exists(DatabasePath));
    }
}

public sealed partial class LiteDbFeedStoreTests
{
    [Fact]
    public async Task After_the_engine_finds_a_broken_page_it_is_opened_again_and_the_rest_of_the_store_keeps_working()
    {
        var broken = await Store.AddSourceAsync(new Source { FeedUrl = "https://broken.example/feed" }, default);
        var article = new Article { SourceId = broken.Id, Key = "id:1", ContentHash = "h", Title = "Marker " + new string('m', 2000) };
        await Store.SaveArticlesAsync([article], [], default);
        ((LiteDbFeedStore)Store).Dispose();

        // The page holding the article's document says it is an index page: LiteDB's own check of the page type fails
        // on reading it ("invalid datafile state"), and the engine closes itself.
        var file = await File.ReadAllBytesAsync(DatabasePath);
        var at = file.AsSpan().IndexOf("Marker mmmm"u8);
        Assert.True(at > 0);
        const int PageSize = 8192, PageTypeOffset = 4, IndexPageType = 3;
        file[(at / PageSize * PageSize) + PageTypeOffset] = IndexPageType;
        await File.WriteAllBytesAsync(DatabasePath, file);
        Store = await CreateStoreAsync();

        // A storage failure, as a full disk is (a page with it answers 503, saying why), not a bug's exception.
        var failure = await Assert.ThrowsAnyAsync<IOException>(() => Store.GetArticleAsync(article.Id, default));
        Assert.Equal(LiteException.INVALID_DATAFILE_STATE, Assert.IsType<LiteException>(failure.InnerException).ErrorCode);
        Assert.StartsWith("storage error: the database engine found its state inconsistent", StoreWrites.Describe(failure), StringComparison.Ordinal);

        // What is not on the broken page (the sources, the settings) is read and written as before, by an engine opened again.
        await Store.AddSourceAsync(new Source { FeedUrl = "https://other.example/feed" }, default);
        await Store.SetSettingAsync("test.after", "written", default);
        Assert.Equal(["https://broken.example/feed", "https://other.example/feed"], (await Store.ListSourcesAsync(default)).Select(s => s.FeedUrl));
        Assert.Equal("written", await Store.GetSettingAsync("test.after", default));
    }
}
