using FeedHub.Core.Curation;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

public sealed partial class PostgresFeedStoreTests
{
    [Fact]
    public async Task Sources_written_before_the_listing_columns_are_judged_when_the_store_opens()
    {
        var broken = NewSource("https://broken.example/feed");
        broken.Fetch.PollCount = 3;
        broken.Fetch.ConsecutiveFailures = 3;
        await Store.AddSourceAsync(broken, default);
        await Store.AddSourceAsync(NewSource("https://new.example/feed"), default);
        // As a database migrated to 0011 has them: no health, no keys (so not counted either).
        await ScalarAsync<object?>("UPDATE sources SET health = NULL, health_rank = NULL, name_key = NULL, search_text = NULL, category_keys = NULL");
        Assert.Equal(0, (await Store.GetTalliesAsync(default)).Sources);

        Store = await ReopenAsync(Store);

        var tallies = await Store.GetTalliesAsync(default);
        Assert.Equal((1, 1, 2), (tallies.ByHealth[HealthStatus.Broken], tallies.ByHealth[HealthStatus.New], tallies.Sources));
        Assert.Equal([broken.Id], (await Store.ListSourcesAsync(new SourceListQuery { Search = "broken.example" }, default)).Sources.Select(s => s.Id));
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM sources WHERE health IS NULL OR name_key IS NULL OR search_text IS NULL OR category_keys IS NULL"));
    }
}
