namespace FeedHub.Storage.Tests;

public sealed partial class PostgresFeedStoreTests
{
    [Fact]
    public async Task A_source_heading_one_node_has_read_follows_a_rename_made_on_another()
    {
        var web = await OpenOtherStoreAsync();
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        Assert.Equal("a.example", Assert.Single(await web.GetSourceHeadingsAsync([source.Id], default)).Name);

        await ChangeAsync(source.Id, stored => stored.DisplayName = "Renamed on the admin node");

        Assert.Equal("Renamed on the admin node", Assert.Single(await web.GetSourceHeadingsAsync([source.Id], default)).Name);
    }
}
