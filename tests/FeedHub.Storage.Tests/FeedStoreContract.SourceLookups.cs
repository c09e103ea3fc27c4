namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task Sources_read_by_id_are_the_stored_ones_among_the_ids_in_id_order()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var c = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        await Store.RemoveSourceAsync(b.Id, keepArticles: false, default);

        var found = await Store.GetSourcesAsync([c.Id, b.Id, a.Id, c.Id, 999_999], default);

        Assert.Equal([a.Id, c.Id], found.Select(s => s.Id));
        Assert.Equal(["https://a.example/feed", "https://c.example/feed"], found.Select(s => s.FeedUrl));
        Assert.Empty(await Store.GetSourcesAsync([], default));
    }
}
