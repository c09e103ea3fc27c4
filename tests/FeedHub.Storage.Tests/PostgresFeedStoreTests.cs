using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>The contract, plus what only a shared database has: migrations, several nodes, atomic batches, copies with ids.</summary>
public sealed partial class PostgresFeedStoreTests : FeedStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 30, 15, 123, TimeSpan.Zero);

    private readonly List<PostgresFeedStore> _otherStores = [];
    private PostgresTestDatabase? _database;

    private string ConnectionString => _database!.ConnectionString;

    protected override async Task<IFeedStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var store = await PostgresFeedStore.OpenAsync(ConnectionString, default);
        // As a running server does after start-up: the contract's phrases then go to the word-pairs index.
        await store.BuildWordPairsIndexAsync(default);
        return store;
    }

    protected override async Task<IFeedStore> ReopenAsync(IFeedStore store)
    {
        await ((PostgresFeedStore)store).DisposeAsync();
        return await PostgresFeedStore.OpenAsync(ConnectionString, default);
    }

    protected override async Task DisposeStoreAsync(IFeedStore store)
    {
        if (store is PostgresFeedStore postgres)
        {
            await postgres.DisposeAsync();
        }

        foreach (var other in _otherStores)
        {
            await other.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Opening_the_same_database_again_applies_no_migration_twice_and_keeps_the_data()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);

        var second = await OpenOtherStoreAsync();

        Assert.Equal(source.FeedUrl, (await second.GetSourceAsync(source.Id, default))?.FeedUrl);
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        Assert.Empty(await SchemaMigrations.ApplyAsync(dataSource, default));
        Assert.Equal(SchemaMigrations.All.Count, await ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Nodes_starting_together_on_an_empty_database_apply_each_migration_once()
    {
        await using var empty = await PostgresTestDatabase.CreateAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresFeedStore.OpenAsync(empty.ConnectionString, default)));
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(empty.ConnectionString);
            await using var count = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
            Assert.Equal((long)SchemaMigrations.All.Count, await count.ExecuteScalarAsync());
            Assert.Equal(await stores[0].GetVersionAsync(default), await stores[3].GetVersionAsync(default));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Two_nodes_see_each_others_writes_and_share_the_version()
    {
        var web = await OpenOtherStoreAsync();
        var start = await web.GetVersionAsync(default);

        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var afterSource = await web.GetVersionAsync(default);
        var article = NewArticle(source.Id, "id:1");
        await Store.SaveArticlesAsync([article], [], default);
        var afterArticle = await web.GetVersionAsync(default);
        await web.ChangeSourceAsync(source.Id, stored =>
        {
            stored.Fetch.ETag = "\"v2\"";
            stored.DisplayName = "Renamed on the other node";
            return true;
        }, default);

        Assert.NotEqual(start, afterSource);
        Assert.NotEqual(afterSource, afterArticle);
        Assert.Equal(await web.GetVersionAsync(default), await Store.GetVersionAsync(default));
        Assert.NotEqual(afterArticle, await Store.GetVersionAsync(default));
        Assert.Equal(article.Id, Assert.Single(await web.ListArticlesAsync(new ArticleQuery(), default)).Id);
        Assert.Equal("\"v2\"", (await Store.GetSourceAsync(source.Id, default))?.Fetch.ETag);
    }

    [Fact]
    public async Task A_batch_save_is_all_or_nothing()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var stored = NewArticle(source.Id, "id:stored");
        await Store.SaveArticlesAsync([stored], [], default);
        var version = await Store.GetVersionAsync(default);

        stored.Title = "Edited";
        var fresh = NewArticle(source.Id, "id:fresh");
        var twice = NewArticle(source.Id, "id:twice");
        var failing = Store.SaveArticlesAsync([fresh, twice, NewArticle(source.Id, "id:twice")], [stored], default);

        await Assert.ThrowsAsync<PostgresException>(() => failing);
        Assert.Equal(0, fresh.Id);
        Assert.Equal(1, await Store.CountArticlesAsync(null, default));
        Assert.Equal("Post id:stored", (await Store.GetArticleAsync(stored.Id, default))?.Title);
        Assert.Equal(version, await Store.GetVersionAsync(default));
    }

    [Fact]
    public async Task Two_nodes_inserting_the_same_article_store_it_once()
    {
        var other = await OpenOtherStoreAsync();
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var first = NewArticle(source.Id, "id:1");
        var second = NewArticle(source.Id, "id:1");
        second.FirstSeenAt = T0.AddMinutes(5);
        second.Title = "Seen again";

        await Store.SaveArticlesAsync([first], [], default);
        await other.SaveArticlesAsync([second], [], default);

        Assert.Equal(first.Id, second.Id);
        var stored = Assert.Single(await Store.GetArticlesByKeysAsync(source.Id, ["id:1"], default));
        Assert.Equal("Seen again", stored.Title);
        Assert.Equal(T0, stored.FirstSeenAt);
    }

    [Fact]
    public async Task Keys_longer_than_an_index_entry_are_stored_and_found()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var key = "id:" + string.Concat(Enumerable.Range(0, 2000).Select(i => i.ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
        await Store.SaveArticlesAsync([NewArticle(source.Id, key)], [], default);

        var found = Assert.Single(await Store.GetArticlesByKeysAsync(source.Id, [key, "id:other"], default));

        Assert.Equal(key, found.Key);
    }

    [Fact]
    public async Task Instants_are_kept_in_utc_to_the_millisecond()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var article = NewArticle(source.Id, "id:1");
        article.Published = new DateTimeOffset(2026, 11, 20, 10, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        article.SortDate = article.Published.Value;
        await Store.SaveArticlesAsync([article], [], default);

        var stored = await Store.GetArticleAsync(article.Id, default);

        Assert.Equal(T0, stored?.Published);
        Assert.Equal(TimeSpan.Zero, stored?.Published?.Offset);
        Assert.Equal(stored?.Id, Assert.Single(await Store.ListArticlesAsync(new ArticleQuery { Before = new ArticleCursor(T0, stored!.Id + 1) }, default)).Id);
    }

    [Fact]
    public async Task A_copy_keeps_ids_can_be_run_again_and_new_rows_get_higher_ids()
    {
        var store = (PostgresFeedStore)Store;
        var source = NewSource("https://a.example/feed");
        source.Id = 40;
        source.Fetch.ETag = "\"copied\"";
        var articles = new[] { NewArticle(40, "id:1"), NewArticle(40, "id:2") };
        articles[0].Id = 1000;
        articles[1].Id = 1001;
        var version = await Store.GetVersionAsync(default);

        await store.ImportSourcesAsync([source], default);
        await store.ImportArticlesAsync(articles, default);
        articles[1].Title = "Copied again";
        await store.ImportSourcesAsync([source], default);
        await store.ImportArticlesAsync(articles, default);

        Assert.NotEqual(version, await Store.GetVersionAsync(default));
        Assert.Equal("\"copied\"", (await Store.GetSourceAsync(40, default))?.Fetch.ETag);
        Assert.Equal(2, await Store.CountArticlesAsync(40, default));
        Assert.Equal("Copied again", (await Store.GetArticleAsync(1001, default))?.Title);
        var added = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var fresh = NewArticle(added.Id, "id:1");
        await Store.SaveArticlesAsync([fresh], [], default);
        Assert.True(added.Id > 40);
        Assert.True(fresh.Id > 1001);
    }

    [Fact]
    public async Task The_river_by_source_merges_several_sources_in_order()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var c = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        var articles = Enumerable.Range(0, 30)
            .Select(i => NewArticle((i % 3) switch { 0 => a.Id, 1 => b.Id, _ => c.Id }, $"id:{i}", T0.AddHours(-(i / 2))))
            .ToList();
        await Store.SaveArticlesAsync(articles, [], default);

        var firstPage = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = [a.Id, b.Id, a.Id], Limit = 7 }, default);
        var secondPage = await Store.ListArticlesAsync(
            new ArticleQuery { SourceIds = [a.Id, b.Id], Before = ArticleCursor.Of(firstPage[^1]), Limit = 100 }, default);

        var expected = articles.Where(x => x.SourceId != c.Id).OrderByDescending(x => x.SortDate).ThenByDescending(x => x.Id).Select(x => x.Id);
        Assert.Equal(7, firstPage.Count);
        Assert.Equal(expected, firstPage.Concat(secondPage).Select(x => x.Id));
    }

    private async Task<PostgresFeedStore> OpenOtherStoreAsync(string? connectionString = null)
    {
        var store = await PostgresFeedStore.OpenAsync(connectionString ?? ConnectionString, default);
        _otherStores.Add(store);
        return store;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static Source NewSource(string url) => new()
    {
        FeedUrl = url,
        Categories = ["Tech"],
        CreatedAt = T0,
    };

    private static Article NewArticle(long sourceId, string key, DateTimeOffset? published = null) => new()
    {
        SourceId = sourceId,
        Key = key,
        ContentHash = "hash-" + key,
        Title = "Post " + key,
        Published = published ?? T0,
        SortDate = published ?? T0,
        FirstSeenAt = T0,
        ChangedAt = T0,
        Tags = ["one", "two \"quoted\""],
    };
}
