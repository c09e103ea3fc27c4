using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using LiteDB;

namespace FeedHub.Storage.Tests;

/// <summary>Files written in the layouts of earlier FeedHubs open with their pending pages, duplicates and stories intact.</summary>
public sealed partial class LiteDbFeedStoreTests
{
    private static readonly DateTimeOffset Written = new(2026, 11, 20, 8, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_that_kept_pending_pages_and_duplicates_in_indexed_article_fields_opens_with_both_intact(bool crashedAfterTheMove)
    {
        var a = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        var b = await Store.AddSourceAsync(new Source { FeedUrl = "https://b.example/feed" }, default);
        var leader = LayoutArticle(a.Id, "id:1", "https://news.example/story", ExtractionState.Pending);
        var done = LayoutArticle(a.Id, "id:2", "https://news.example/other", ExtractionState.Ok);
        await Store.SaveArticlesAsync([leader, done], [], default);
        var duplicate = LayoutArticle(b.Id, "id:x", "https://news.example/story", ExtractionState.Pending);
        await Store.SaveArticlesAsync([duplicate], [], default);
        Assert.Equal(leader.Id, duplicate.DuplicateOf);
        ((LiteDbFeedStore)Store).Dispose();
        WriteOldLayout(keepMovedEntries: crashedAfterTheMove);

        Store = await CreateStoreAsync();

        Assert.Equal([leader.Id, duplicate.Id], (await Store.ListPendingPagesAsync(0, 10, default)).Select(p => p.ArticleId));
        Assert.Equal(
            [new StoryMember(leader.Id, a.Id, leader.Id), new StoryMember(duplicate.Id, b.Id, leader.Id)],
            await Store.ListStoryMembersAsync([leader.Id], default));
        var stories = await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true, Limit = 10 }, default);
        Assert.Equal([leader.Id, done.Id], stories.Select(s => s.Id).Order());

        // Removing the leader's source hands the story to the duplicate, which the moved entries must know of.
        await Store.RemoveSourceAsync(a.Id, keepArticles: false, default);
        Assert.Null((await Store.GetArticleAsync(duplicate.Id, default))?.DuplicateOf);
        Assert.Equal([duplicate.Id], (await Store.ListPendingPagesAsync(0, 10, default)).Select(p => p.ArticleId));

        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDatabase(DatabasePath))
        {
            var indexes = database.GetCollection("$indexes").Find(LiteDB.Query.EQ("collection", "articles")).Select(i => i["name"].AsString).ToList();
            Assert.DoesNotContain("PendingPage", indexes);
            Assert.DoesNotContain("DuplicateOf", indexes);
        }

        Store = await CreateStoreAsync();
    }

    [Fact]
    public async Task A_file_that_kept_a_second_river_index_for_stories_opens_without_it_with_its_stories_intact()
    {
        var a = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        var b = await Store.AddSourceAsync(new Source { FeedUrl = "https://b.example/feed" }, default);
        var leader = LayoutArticle(a.Id, "id:1", "https://news.example/story", ExtractionState.NotNeeded);
        var later = LayoutArticle(a.Id, "id:2", "https://news.example/other", ExtractionState.NotNeeded);
        later.SortDate = Written.AddHours(2);
        await Store.SaveArticlesAsync([leader, later], [], default);
        var duplicate = LayoutArticle(b.Id, "id:x", "https://news.example/story", ExtractionState.NotNeeded);
        duplicate.SortDate = Written.AddHours(1);
        await Store.SaveArticlesAsync([duplicate], [], default);
        Assert.Equal(leader.Id, duplicate.DuplicateOf);
        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDatabase(DatabasePath))
        {
            // The layout before: leaders carried their river key again, in an index of its own; duplicates did not.
            var articles = database.GetCollection("articles");
            foreach (var document in articles.FindAll().ToList())
            {
                if (!document["DuplicateOf"].IsNumber)
                {
                    document["StoryRiverKey"] = document["RiverKey"];
                    articles.Update(document);
                }
            }

            articles.EnsureIndex("StoryRiverKey");
        }

        Store = await CreateStoreAsync();

        Assert.Equal([later.Id, leader.Id], (await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true, Limit = 10 }, default)).Select(s => s.Id));
        Assert.Equal(leader.Id, (await Store.FindAdjacentStoryAsync(ArticleCursor.Of(later), TimeDirection.Older, default))?.Id);
        Assert.Equal(later.Id, (await Store.FindAdjacentStoryAsync(ArticleCursor.Of(leader), TimeDirection.Newer, default))?.Id);
        var newer = LayoutArticle(a.Id, "id:3", "https://news.example/third", ExtractionState.NotNeeded);
        newer.SortDate = Written.AddHours(3);
        await Store.SaveArticlesAsync([newer], [], default);
        Assert.Equal([newer.Id, later.Id, leader.Id], (await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true, Limit = 10 }, default)).Select(s => s.Id));

        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDatabase(DatabasePath))
        {
            var indexes = database.GetCollection("$indexes").Find(LiteDB.Query.EQ("collection", "articles")).Select(i => i["name"].AsString).ToList();
            Assert.DoesNotContain("StoryRiverKey", indexes);
        }

        Store = await CreateStoreAsync();
    }

    /// <summary>
    /// Rewrites the file in the layout of the FeedHub before: waiting articles carry their id in an indexed
    /// <c>PendingPage</c>, and <c>DuplicateOf</c> is indexed on the articles. Unless the move was already done (a crash
    /// before the old indexes were dropped), the collections and settings of the new layout are gone.
    /// </summary>
    private void WriteOldLayout(bool keepMovedEntries)
    {
        using var database = new LiteDatabase(DatabasePath);
        var articles = database.GetCollection("articles");
        foreach (var document in articles.FindAll().ToList())
        {
            document["PendingPage"] = document["Extraction"].AsString == nameof(ExtractionState.Pending) ? document["_id"] : BsonValue.Null;
            articles.Update(document);
        }

        articles.EnsureIndex("PendingPage");
        articles.EnsureIndex("DuplicateOf");
        if (!keepMovedEntries)
        {
            database.DropCollection("pending_pages");
            database.DropCollection("duplicates");
            database.GetCollection("settings").DeleteMany(LiteDB.Query.In("_id", "upgrade:pending-pages", "upgrade:duplicates"));
        }
    }

    private static Article LayoutArticle(long sourceId, string key, string link, ExtractionState extraction) => new()
    {
        SourceId = sourceId,
        Key = key,
        ContentHash = "hash-" + key,
        Title = "Post " + key,
        Link = link,
        StoryKeys = StoryIdentity.KeysOf(link, StoryIdentity.FeedIdOf(key), canonicalUrl: null),
        Published = Written,
        SortDate = Written,
        FirstSeenAt = Written,
        ChangedAt = Written,
        Extraction = extraction,
    };
}
