using FeedHub.Core.Model;

namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_session_round_trips_by_its_key_hash_and_is_updated_in_place()
    {
        var ada = await Store.AddCuratorAsync(new Curator { Name = "Ada", CreatedAt = T0 }, default);
        var session = await Store.AddSessionAsync(NewSession(ada.Id, "hash-1", T0), default);
        session.LastSeenAt = T0.AddMinutes(5);
        session.ExpiresAt = T0.AddDays(2);
        session.Address = "192.0.2.7";
        session.Ticket = [9, 8, 7];
        await Store.UpdateSessionAsync(session, default);

        Store = await ReopenAsync(Store);
        var stored = await Store.GetSessionAsync("hash-1", default);

        Assert.NotNull(stored);
        Assert.True(session.Id > 0);
        Assert.Equal(session.Id, stored.Id);
        Assert.Equal(ada.Id, stored.CuratorId);
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Equal(T0.AddMinutes(5), stored.LastSeenAt);
        Assert.Equal(T0.AddDays(2), stored.ExpiresAt);
        Assert.Equal("Firefox on Linux", stored.Client);
        Assert.Equal("192.0.2.7", stored.Address);
        Assert.Equal([9, 8, 7], stored.Ticket);
        Assert.Null(await Store.GetSessionAsync("hash-2", default));
    }

    [Fact]
    public async Task Sessions_are_listed_per_curator_most_recently_used_first_and_end_one_by_one_or_all_together()
    {
        var ada = await Store.AddCuratorAsync(new Curator { Name = "Ada", CreatedAt = T0 }, default);
        var grace = await Store.AddCuratorAsync(new Curator { Name = "Grace", CreatedAt = T0 }, default);
        var old = await Store.AddSessionAsync(NewSession(ada.Id, "ada-old", T0), default);
        var recent = await Store.AddSessionAsync(NewSession(ada.Id, "ada-recent", T0.AddHours(1)), default);
        var third = await Store.AddSessionAsync(NewSession(ada.Id, "ada-third", T0.AddMinutes(30)), default);
        await Store.AddSessionAsync(NewSession(grace.Id, "grace", T0), default);

        Assert.Equal([recent.Id, third.Id, old.Id], (await Store.ListSessionsAsync(ada.Id, default)).Select(s => s.Id));
        Assert.True(await Store.RemoveSessionAsync(third.Id, default));
        Assert.False(await Store.RemoveSessionAsync(third.Id, default));
        Assert.Null(await Store.GetSessionAsync("ada-third", default));
        Assert.Equal(2, await Store.RemoveCuratorSessionsAsync(ada.Id, default));

        Store = await ReopenAsync(Store);
        Assert.Empty(await Store.ListSessionsAsync(ada.Id, default));
        Assert.Equal(["grace"], (await Store.ListSessionsAsync(grace.Id, default)).Select(s => s.KeyHash));
    }

    [Fact]
    public async Task Expired_sessions_are_forgotten_and_live_ones_kept()
    {
        var ada = await Store.AddCuratorAsync(new Curator { Name = "Ada", CreatedAt = T0 }, default);
        var expired = NewSession(ada.Id, "expired", T0);
        expired.ExpiresAt = T0.AddMinutes(10);
        var live = NewSession(ada.Id, "live", T0);
        live.ExpiresAt = T0.AddMinutes(30);
        await Store.AddSessionAsync(expired, default);
        await Store.AddSessionAsync(live, default);

        var forgotten = await Store.RemoveExpiredSessionsAsync(T0.AddMinutes(20), default);

        Assert.Equal(1, forgotten);
        Assert.Equal(["live"], (await Store.ListSessionsAsync(ada.Id, default)).Select(s => s.KeyHash));
    }

    [Fact]
    public async Task A_removed_curator_takes_their_sessions_along()
    {
        var ada = await Store.AddCuratorAsync(new Curator { Name = "Ada", CreatedAt = T0 }, default);
        var grace = await Store.AddCuratorAsync(new Curator { Name = "Grace", CreatedAt = T0 }, default);
        await Store.AddSessionAsync(NewSession(ada.Id, "ada", T0), default);
        await Store.AddSessionAsync(NewSession(grace.Id, "grace", T0), default);

        await Store.RemoveCuratorAsync(ada.Id, default);

        Assert.Null(await Store.GetSessionAsync("ada", default));
        Assert.NotNull(await Store.GetSessionAsync("grace", default));
    }

    private static CuratorSession NewSession(long curatorId, string keyHash, DateTimeOffset lastSeen) => new()
    {
        KeyHash = keyHash,
        CuratorId = curatorId,
        CreatedAt = T0,
        LastSeenAt = lastSeen,
        ExpiresAt = lastSeen.AddDays(1),
        Client = "Firefox on Linux",
        Ticket = [1, 2, 3],
    };
}
