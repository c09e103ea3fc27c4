using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>The word-pairs index, built after start-up without holding writes, and phrases before it is there.</summary>
public sealed partial class PostgresFeedStoreTests
{
    private static readonly string[] Phrases =
    [
        "\"said time\"", "\"said times\"", "\"said the time\"", "\"red apple pie\"", "\"red apple\" \"apple pie\"",
        "\"red apple\" -dessert", "\"apple pie\" dessert", "\"said time\" OR \"red apple pie\"", "\"e-mail message\"",
        "\"running shoes\"", "\"time said\"",
    ];

    [Fact]
    public async Task Without_a_valid_word_pairs_index_phrases_find_the_same_articles_with_the_words_index()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        string?[][] texts =
        [
            ["He said time was short.", "en"], ["Time, he said, was short.", "en"], ["He said the time was up.", "en"],
            ["A red apple pie for dessert.", "en"], ["A red apple, then an apple pie.", "en"], ["Send an e-mail message today.", "en"],
            ["New running shoes.", "en"], ["Des running shoes neuves.", "fr"], ["running sho", null],
        ];
        await Store.SaveArticlesAsync([.. texts.Select((text, i) => TextArticle(source.Id, i, text[0]!, text[1]))], [], default);
        var withPairs = await SearchAllAsync(Store, Phrases);

        await ExecuteAsync("DROP INDEX articles_search_pairs");
        var without = await OpenOtherStoreAsync();

        Assert.True(((PostgresFeedStore)Store).UsesWordPairsIndex);
        Assert.False(without.UsesWordPairsIndex);
        Assert.Equal("not built", await without.DescribeWordPairsIndexAsync(default));
        Assert.Equal(withPairs, await SearchAllAsync(without, Phrases));
        Assert.Equal(10, withPairs.Count(ids => ids.Count > 0));
    }

    [Fact]
    public async Task A_store_opened_before_the_word_pairs_index_builds_it_and_then_searches_phrases_with_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);
        var source = await store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var adjacent = TextArticle(source.Id, 1, "He said time was short.", "en");
        await store.SaveArticlesAsync([adjacent, TextArticle(source.Id, 2, "Time, he said, was short.", "en")], [], default);
        Assert.False(store.UsesWordPairsIndex);
        var before = await SearchAllAsync(store, ["\"said time\""]);

        Assert.True(await store.BuildWordPairsIndexAsync(default));

        Assert.True(store.UsesWordPairsIndex);
        Assert.Equal("valid", await store.DescribeWordPairsIndexAsync(default));
        Assert.Equal([[adjacent.Id]], before);
        Assert.Equal(before, await SearchAllAsync(store, ["\"said time\""]));
        Assert.False(await store.BuildWordPairsIndexAsync(default));
    }

    [Fact]
    public async Task An_invalid_word_pairs_index_left_by_a_failed_build_is_dropped_and_built_again()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        await Store.SaveArticlesAsync([TextArticle(source.Id, 1, "He said time was short.", "en"), TextArticle(source.Id, 2, "Red apple.", "en")], [], default);
        // A concurrent build that fails (two articles of one source break this unique index) leaves its index invalid.
        await ExecuteAsync("DROP INDEX articles_search_pairs");
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("CREATE UNIQUE INDEX CONCURRENTLY articles_search_pairs ON articles (source_id)"));
        var store = await OpenOtherStoreAsync();
        Assert.False(store.UsesWordPairsIndex);
        Assert.StartsWith("invalid", await store.DescribeWordPairsIndexAsync(default), StringComparison.Ordinal);

        Assert.True(await store.BuildWordPairsIndexAsync(default));

        Assert.True(store.UsesWordPairsIndex);
        Assert.Equal("valid", await store.DescribeWordPairsIndexAsync(default));
        Assert.Contains("USING gin (feedhub_search_pairs(search_document, search_config))",
            await ScalarAsync<string>("SELECT pg_get_indexdef('articles_search_pairs'::regclass)"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stores_starting_together_build_the_word_pairs_index_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var stores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgresFeedStore.OpenAsync(database.ConnectionString, default)));
        try
        {
            var built = await Task.WhenAll(stores.Select(store => store.BuildWordPairsIndexAsync(default)));

            Assert.Single(built, true);
            Assert.All(stores, store => Assert.True(store.UsesWordPairsIndex));
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
    public async Task A_store_waiting_on_another_processs_build_switches_to_the_index_when_told_it_is_built()
    {
        await ExecuteAsync("DROP INDEX articles_search_pairs");
        var store = await OpenOtherStoreAsync();
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var builder = await dataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresFeedStore.PairsIndexLockKey})", builder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var waiting = store.BuildWordPairsIndexAsync(default);
        // Statements sent together run in one transaction, but an advisory lock is let go when its statement runs: the
        // lock is let go only once the index is committed, as the builder does, or the waiting store could take the
        // lock before the index is visible and build it itself.
        await using (var build = new NpgsqlCommand(
            $"""
            CREATE INDEX articles_search_pairs ON articles USING gin (feedhub_search_pairs(search_document, search_config));
            NOTIFY {PostgresFeedStore.PairsIndexChannel};
            """, builder))
        {
            await build.ExecuteNonQueryAsync();
        }

        await using (var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresFeedStore.PairsIndexLockKey})", builder))
        {
            await unlock.ExecuteNonQueryAsync();
        }

        Assert.False(await waiting);
        Assert.True(store.UsesWordPairsIndex);
    }

    private static Article TextArticle(long sourceId, int n, string text, string? language)
    {
        var article = NewArticle(sourceId, $"id:{n}", T0.AddMinutes(n));
        article.Title = null;
        article.Content = "<p>" + System.Net.WebUtility.HtmlEncode(text) + "</p>";
        article.Language = language;
        return article;
    }

    private static async Task<List<List<long>>> SearchAllAsync(IFeedStore store, IEnumerable<string> queries)
    {
        var results = new List<List<long>>();
        foreach (var text in queries)
        {
            Assert.True(SearchQuery.TryParse(text, out var query, out _));
            results.Add([.. (await store.ListArticlesAsync(new ArticleQuery { Search = query, Limit = 100 }, default)).Select(a => a.Id)]);
        }

        return results;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
