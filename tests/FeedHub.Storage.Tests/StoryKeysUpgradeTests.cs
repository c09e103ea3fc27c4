using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using LiteDB;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Stores written before story keys were placed by site hold the story's digest alone: opened (LiteDB) or migrated
/// (PostgreSQL, 0024), they say so, and their stories merge with new articles' placed keys.
/// </summary>
public sealed class StoryKeysUpgradeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public async Task A_LiteDB_file_with_keys_from_before_merges_its_stories_with_placed_keys()
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-litedb-story-keys-").FullName;
        var path = Path.Combine(directory, "feedhub.db");
        try
        {
            (long B, long C, long Old) seeded;
            using (var store = new LiteDbFeedStore(path))
            {
                Assert.Equal(StoryIdentity.PlacedOnly, await store.GetSettingAsync(StoryIdentity.FormsSetting, default));
                seeded = await SeedAsync(store);
            }

            // What a FeedHub from before left: the stories' digests alone, and no word of their form.
            using (var database = new LiteDatabase(path))
            {
                var articles = database.GetCollection("articles");
                foreach (var document in articles.FindAll().ToList())
                {
                    document["StoryKeys"] = new BsonArray(document["StoryKeys"].AsArray.Select(key => new BsonValue(StoryIdentity.StoryOf(key.AsString))));
                    articles.Update(document);
                }

                database.GetCollection("settings").Delete(StoryIdentity.FormsSetting);
            }

            using var upgraded = new LiteDbFeedStore(path);
            await AssertMergedAsync(upgraded, seeded);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_PostgreSQL_database_with_keys_from_before_merges_its_stories_with_placed_keys()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        (long B, long C, long Old) seeded;
        await using (var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default))
        {
            Assert.Equal(StoryIdentity.PlacedOnly, await store.GetSettingAsync(StoryIdentity.FormsSetting, default));
            seeded = await SeedAsync(store);
        }

        // What a database of FeedHub from before held when migration 0024 came: the stories' digests alone.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var reset = new NpgsqlCommand(
                """
                UPDATE articles SET story_keys = ARRAY(SELECT substr(k, 8) FROM unnest(story_keys) AS k);
                DELETE FROM settings WHERE name = 'story-keys';
                DELETE FROM schema_migrations WHERE version = 24;
                """, connection);
            await reset.ExecuteNonQueryAsync();
        }

        await using var upgraded = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);
        await AssertMergedAsync(upgraded, seeded);
    }

    /// <summary>An article of source a (its link and its guid a URL); returns the ids of two other sources and the article's.</summary>
    private static async Task<(long B, long C, long Old)> SeedAsync(IFeedStore store)
    {
        var a = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", CreatedAt = T0 }, default);
        var b = await store.AddSourceAsync(new Source { FeedUrl = "https://b.example/feed", CreatedAt = T0 }, default);
        var c = await store.AddSourceAsync(new Source { FeedUrl = "https://c.example/feed", CreatedAt = T0 }, default);
        var old = NewArticle(a.Id, "id:https://news.example/?p=7", "https://news.example/2026/11/story/");
        await store.SaveArticlesAsync([old], [], default);
        return (b.Id, c.Id, old.Id);
    }

    private static async Task AssertMergedAsync(IFeedStore store, (long B, long C, long Old) seeded)
    {
        Assert.Equal(StoryIdentity.BareToo, await store.GetSettingAsync(StoryIdentity.FormsSetting, default));
        Assert.All((await store.GetArticleAsync(seeded.Old, default))!.StoryKeys, key => Assert.False(StoryIdentity.IsPlaced(key)));

        // b's copy carries the story by its link, c's by the guid of a's.
        var byLink = NewArticle(seeded.B, "id:b-1", "http://www.news.example/2026/11/story");
        var byGuid = NewArticle(seeded.C, "id:c-1", "https://news.example/?p=7");
        await store.SaveArticlesAsync([byLink], [], default);
        await store.SaveArticlesAsync([byGuid], [], default);

        Assert.Equal(seeded.Old, (await store.GetArticleAsync(byLink.Id, default))?.DuplicateOf);
        Assert.Equal(seeded.Old, (await store.GetArticleAsync(byGuid.Id, default))?.DuplicateOf);
        Assert.Equal([seeded.Old], (await store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true }, default)).Select(x => x.Id));
    }

    private static Article NewArticle(long sourceId, string key, string link) => new()
    {
        SourceId = sourceId, Key = key, ContentHash = key, Title = key, Link = link, Published = T0, SortDate = T0, FirstSeenAt = T0, ChangedAt = T0,
        StoryKeys = StoryIdentity.KeysOf(link, StoryIdentity.FeedIdOf(key), canonicalUrl: null),
    };
}
