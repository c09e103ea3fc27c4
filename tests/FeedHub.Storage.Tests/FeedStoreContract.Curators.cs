using FeedHub.Core.Model;

namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_removed_curator_is_gone_with_their_tokens_and_the_others_stay()
    {
        var ada = await Store.AddCuratorAsync(new Curator { Name = "Ada", CreatedAt = T0, Tokens = [new ApiToken { Hash = "aa11", Prefix = "fh_aa", CreatedAt = T0 }] }, default);
        await Store.AddCuratorAsync(new Curator { Name = "Grace", CreatedAt = T0 }, default);

        var removed = await Store.RemoveCuratorAsync(ada.Id, default);
        var again = await Store.RemoveCuratorAsync(ada.Id, default);
        Store = await ReopenAsync(Store);

        Assert.True(removed);
        Assert.False(again);
        Assert.Null(await Store.GetCuratorByNameAsync("ada", default));
        Assert.Null(await Store.FindCuratorByTokenHashAsync("aa11", default));
        Assert.Equal(["Grace"], (await Store.ListCuratorsAsync(default)).Select(c => c.Name));
        Assert.Equal("Ada", (await Store.AddCuratorAsync(new Curator { Name = "Ada", CreatedAt = T0 }, default)).Name);
    }
}
