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

    protected override Task<IFeedStore> ReopenAsync(IFeedStore store)
    {
        ((LiteDbFeedStore)store).Dispose();
        return CreateStoreAsync();
    }

    protected override Task DisposeStoreAsync(IFeedStore store)
    {
        ((LiteDbFeedStore)store).Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
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
