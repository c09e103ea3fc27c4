using System.Data;
using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>The word-pairs index's build as curators see it: missing, building since when, then ready.</summary>
public sealed partial class PostgresFeedStoreTests
{
    [Fact]
    public async Task While_the_word_pairs_index_is_built_the_store_says_since_when_and_then_that_it_is_ready()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        await Store.SaveArticlesAsync([TextArticle(source.Id, 1, "He said time was short.", "en")], [], default);
        await ExecuteAsync("DROP INDEX articles_search_pairs");
        var store = await OpenOtherStoreAsync();
        Assert.Equal(new SearchIndexStatus(SearchIndexPhase.PhrasesIndexMissing), await store.GetSearchIndexStatusAsync(default));

        // A snapshot older than the build's, held open: a concurrent build waits for it to end before the index is
        // valid, so the build is seen under way for as long as the test holds it.
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var reader = await dataSource.OpenConnectionAsync();
        await using var snapshot = await reader.BeginTransactionAsync(IsolationLevel.RepeatableRead);
        await using (var look = new NpgsqlCommand("SELECT count(*) FROM articles", reader, snapshot))
        {
            await look.ExecuteScalarAsync();
        }

        var started = await ScalarAsync<DateTime>("SELECT now()");
        var build = store.BuildWordPairsIndexAsync(default);
        var building = await Eventually.Async(() => store.GetSearchIndexStatusAsync(default), status => status.Phase != SearchIndexPhase.PhrasesIndexMissing);

        Assert.Equal(SearchIndexPhase.PhrasesIndexBuilding, building.Phase);
        Assert.NotNull(building.Since);
        Assert.InRange(building.Since.Value.UtcDateTime, started.ToUniversalTime(), (await ScalarAsync<DateTime>("SELECT now()")).ToUniversalTime());
        Assert.False(build.IsCompleted);

        await snapshot.CommitAsync();
        Assert.True(await build);
        Assert.Equal(SearchIndexStatus.Ready, await store.GetSearchIndexStatusAsync(default));
    }
}
