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

    /// <summary>Requests changing one curator from many threads (tokens issued, used, revoked, a new password): all are kept.</summary>
    [Fact]
    public async Task Changes_of_one_curator_from_many_threads_are_all_kept_and_a_removed_curator_has_none()
    {
        var ada = await Store.AddCuratorAsync(new Curator { Name = "Ada", PasswordHash = "old", CreatedAt = T0, Tokens = [new ApiToken { Hash = "aa00", Prefix = "fh_aa", CreatedAt = T0 }] }, default);
        var grace = await Store.AddCuratorAsync(new Curator { Name = "Grace", CreatedAt = T0 }, default);
        await Store.RemoveCuratorAsync(grace.Id, default);

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() => Store.ChangeCuratorAsync(ada.Id, held =>
        {
            held.Tokens.Add(new ApiToken { Hash = $"aa{i:D2}", Prefix = "fh_aa", CreatedAt = T0 });
            held.Tokens[0].LastUsedAt = T0.AddMinutes(i);
            held.PasswordHash = i == 10 ? "new" : held.PasswordHash;
            return true;
        }, default))));
        var called = false;
        var missing = await Store.ChangeCuratorAsync(grace.Id, _ => called = true, default);

        var stored = await Store.GetCuratorByNameAsync("ada", default);
        Assert.Equal(Enumerable.Range(0, 21).Select(i => $"aa{i:D2}"), stored!.Tokens.Select(t => t.Hash).Order(StringComparer.Ordinal));
        Assert.Equal("new", stored.PasswordHash);
        Assert.Null(missing);
        Assert.False(called);
        Assert.Null(await Store.GetCuratorByNameAsync("grace", default));
    }
}
