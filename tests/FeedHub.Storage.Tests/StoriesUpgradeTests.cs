using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using LiteDB;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>Stores written before stories existed get story keys, stories and entry ids when opened (LiteDB) or migrated (PostgreSQL).</summary>
public sealed class StoriesUpgradeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public async Task A_LiteDB_file_from_before_stories_is_upgraded_on_opening()
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-litedb-upgrade-").FullName;
        var path = Path.Combine(directory, "feedhub.db");
        try
        {
            long[] ids;
            using (var store = new LiteDbFeedStore(path))
            {
                ids = await SeedAsync(store);
            }

            using (var database = new LiteDatabase(path))
            {
                var articles = database.GetCollection("articles");
                foreach (var document in articles.FindAll().ToList())
                {
                    foreach (var field in new[] { "StoryKeys", "DuplicateOf", "EntryId", "StoryRiverKey" })
                    {
                        document.Remove(field);
                    }

                    articles.Update(document);
                }

                database.GetCollection("settings").DeleteMany("1 = 1");
            }

            using var upgraded = new LiteDbFeedStore(path);
            await AssertUpgradedAsync(upgraded, ids);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_PostgreSQL_database_from_before_stories_is_filled_in_when_opened()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        long[] ids;
        await using (var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default))
        {
            ids = await SeedAsync(store);
        }

        // What migration 0004 leaves: no story keys nor stories yet, entry ids minted by SQL from the installation's authority.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var reset = new NpgsqlCommand(
                """
                UPDATE articles SET story_keys = '{}', duplicate_of = NULL, entry_id = 'tag:' || (SELECT value FROM settings WHERE name = 'entry-id-authority')
                    || ',' || to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ':source/' || source_id || '/' || substr(encode(sha256(convert_to(key, 'UTF8')), 'hex'), 1, 16);
                UPDATE settings SET value = '0' WHERE name = 'upgrade:stories';
                """, connection);
            await reset.ExecuteNonQueryAsync();
        }

        await using var upgraded = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);
        await AssertUpgradedAsync(upgraded, ids);
    }

    /// <summary>Two sources; the second repeats two posts of the first (one by link with a fragment, one by guid) and has one of its own.</summary>
    private static async Task<long[]> SeedAsync(IFeedStore store)
    {
        var a = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", CreatedAt = T0 }, default);
        var b = await store.AddSourceAsync(new Source { FeedUrl = "https://b.example/feed", CreatedAt = T0 }, default);
        Article New(long source, string key, string link) => new()
        {
            SourceId = source, Key = key, ContentHash = key, Title = key, Link = link, Published = T0, SortDate = T0, FirstSeenAt = T0, ChangedAt = T0,
        };

        var first = new[] { New(a.Id, "id:https://a.example/day.html#p1", "https://a.example/day.html#p1"), New(a.Id, "id:https://a.example/day.html#p2", "https://a.example/day.html#p2") };
        await store.SaveArticlesAsync(first, [], default);
        var second = new[] { New(b.Id, "id:b-1", "http://www.a.example/day.html#p2"), New(b.Id, "id:https://a.example/day.html#p1", "https://b.example/elsewhere"), New(b.Id, "id:b-3", "https://b.example/own") };
        await store.SaveArticlesAsync(second, [], default);
        return [.. first.Concat(second).Select(x => x.Id)];
    }

    private static async Task AssertUpgradedAsync(IFeedStore store, long[] ids)
    {
        var articles = new List<Article>();
        foreach (var id in ids)
        {
            articles.Add((await store.GetArticleAsync(id, default))!);
        }

        Assert.Equal([null, null, ids[1], ids[0], null], articles.Select(x => x.DuplicateOf));
        Assert.All(articles, x => Assert.NotEmpty(x.StoryKeys));
        var authority = await EntryIds.InstallationAuthorityAsync(store, default);
        Assert.Equal(articles.Select(x => EntryIds.Mint(authority, T0, x.SourceId, x.Key)), articles.Select(x => x.EntryId));
        Assert.Equal([ids[0], ids[1], ids[4]], (await store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true }, default)).Select(x => x.Id).Order());
    }
}

/// <summary>The LiteDB store's story look-ups and source rivers are index look-ups, never a walk of every article.</summary>
public sealed class LiteDbStoryIndexTests
{
    [Fact]
    public async Task Story_keys_story_members_the_river_of_stories_and_a_sources_river_are_read_through_indexes()
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-litedb-plan-").FullName;
        var path = Path.Combine(directory, "feedhub.db");
        try
        {
            using (var store = new LiteDbFeedStore(path))
            {
                var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
                await store.SaveArticlesAsync(
                    [.. Enumerable.Range(0, 50).Select(i => new Article { SourceId = source.Id, Key = $"id:{i}", ContentHash = "h", StoryKeys = [$"k{i}"], SortDate = DateTimeOffset.UtcNow.AddMinutes(-i) })],
                    [], default);
            }

            using var database = new LiteDatabase(path);
            var articles = database.GetCollection("articles");
            var byKey = articles.Query().Where(BsonExpression.Create("$.StoryKeys[*] ANY IN @0", new BsonArray(new BsonValue("k7"), new BsonValue("k8")))).GetPlan();
            var members = database.GetCollection("duplicates").Query().Where(Query.In("Story", new BsonValue(3L))).GetPlan();
            var river = articles.Query().Where(Query.Between("RiverKey", "0", "9")).OrderByDescending("RiverKey").GetPlan();
            var indexes = database.GetCollection("$indexes").Find(Query.EQ("collection", "articles")).ToDictionary(i => i["name"].AsString, i => i["expression"].AsString);
            var sourceRiverKey = indexes["SourceRiverKey"];
            var sourceRiver = articles.Query().Where(BsonExpression.Create(sourceRiverKey + " BETWEEN @0 AND @1", "0", "9")).OrderByDescending(sourceRiverKey).GetPlan();

            Assert.Equal("StoryKeys", byKey["index"]["name"].AsString);
            Assert.Equal("Story", members["index"]["name"].AsString);
            Assert.Equal("RiverKey", river["index"]["name"].AsString);
            Assert.Equal(-1, river["index"]["order"].AsInt32);
            Assert.False(river.ContainsKey("orderBy"), river.ToString());

            // A source's river (one range of its own index) is walked in the index's order, never sorted.
            Assert.Equal("SourceRiverKey", sourceRiver["index"]["name"].AsString);
            Assert.Equal(-1, sourceRiver["index"]["order"].AsInt32);
            Assert.False(sourceRiver.ContainsKey("orderBy"), sourceRiver.ToString());

            // The river of stories is the river less its duplicates: no second river index for every insert to keep.
            Assert.Equal(["Identity", "RiverKey", "SourceId", "SourceRiverKey", "StoryKeys", "_id"], indexes.Keys.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
