using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using Microsoft.Extensions.Time.Testing;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Content versions in memory (migration 0022): each node follows the commits' notifications, sees its own writes at
/// once, and reads the database while its listener is not connected, never missing a write made meanwhile.
/// </summary>
public sealed partial class PostgresFeedStoreTests
{
    /// <summary>How long a test waits for an event before failing instead of hanging (the events come in milliseconds).</summary>
    private static readonly TimeSpan EventDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_write_on_one_node_moves_the_other_nodes_versions_in_memory_when_its_notification_comes()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var other = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var node = await OpenOtherStoreAsync();
        await FollowingAsync(node);
        ContentScope[] written = [ContentScope.River, ContentScope.Source(source.Id), ContentScope.Hour(T0)];
        ContentScope[] untouched = [ContentScope.Source(other.Id), ContentScope.Hour(T0.AddDays(-3))];
        var (before, untouchedBefore) = (await node.GetContentVersionAsync(written, default), await node.GetContentVersionAsync(untouched, default));
        var hoursBefore = await node.GetHourVersionsAsync(new TimeRange(T0.AddHours(-1), T0.AddHours(1)), default);
        var queries = node.VersionQueries;

        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:1", T0)], [], default);
        await SeenAsync(node);

        Assert.True(await node.GetContentVersionAsync(written, default) > before);
        Assert.Equal(untouchedBefore, await node.GetContentVersionAsync(untouched, default));
        var hours = await node.GetHourVersionsAsync(new TimeRange(T0.AddHours(-1), T0.AddHours(1)), default);
        Assert.True(hours[ContentScope.Hour(T0)] > hoursBefore[ContentScope.Hour(T0)]);
        Assert.Equal(hoursBefore[ContentScope.Hour(T0.AddHours(-1))], hours[ContentScope.Hour(T0.AddHours(-1))]);
        Assert.Equal(await StoredVersionAsync(written), await node.GetContentVersionAsync(written, default));
        Assert.Equal(queries, node.VersionQueries);
    }

    [Fact]
    public async Task A_nodes_own_writes_are_in_its_next_versions_without_waiting_for_their_notification()
    {
        var store = (PostgresFeedStore)Store;
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        await FollowingAsync(store);
        ContentScope[] scopes = [ContentScope.Source(source.Id), ContentScope.Category("Tech")];
        var queries = store.VersionQueries;

        var before = await Store.GetContentVersionAsync(scopes, default);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:1", T0)], [], default);
        var saved = await Store.GetContentVersionAsync(scopes, default);
        // A curator renames the source, is redirected, and the page's version has moved.
        await Store.ChangeSourceAsync(source.Id, stored =>
        {
            stored.DisplayName = "Renamed";
            return true;
        }, default);
        var renamed = await Store.GetContentVersionAsync([], default);

        Assert.True(saved > before);
        Assert.Equal(await StoredVersionAsync([]), renamed);
        Assert.Equal(queries, store.VersionQueries);
    }

    [Fact]
    public async Task A_node_whose_listener_is_cut_off_reads_the_database_until_it_listens_again_and_misses_no_write_made_meanwhile()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var time = new FakeTimeProvider();
        var node = await PostgresFeedStore.OpenAsync(ConnectionString, time, default);
        _otherStores.Add(node);
        await FollowingAsync(node);
        ContentScope[] scopes = [ContentScope.River, ContentScope.Source(source.Id)];

        await ScalarAsync<bool>($"SELECT pg_terminate_backend({node.ContentVersions.ListenerProcessId})");
        await WaitAsync(node, mirror => !mirror.IsLive);

        // While it does not listen, each version is read from the database, with the writes made meanwhile.
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:while-down-1", T0)], [], default);
        var queries = node.VersionQueries;
        Assert.Equal(await StoredVersionAsync(scopes), await node.GetContentVersionAsync(scopes, default));
        Assert.Equal(queries + 1, node.VersionQueries);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:while-down-2", T0.AddHours(-2))], [], default);

        // Past its pause it connects again, and reads what moved before it answers from memory.
        time.Advance(TimeSpan.FromMinutes(1));
        await WaitAsync(node, mirror => mirror.IsLive);
        queries = node.VersionQueries;
        Assert.Equal(await StoredVersionAsync(scopes), await node.GetContentVersionAsync(scopes, default));
        Assert.Equal(await StoredVersionAsync([ContentScope.Hour(T0.AddHours(-2))]), await node.GetContentVersionAsync([ContentScope.Hour(T0.AddHours(-2))], default));

        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:after", T0)], [], default);
        await SeenAsync(node);
        Assert.Equal(await StoredVersionAsync(scopes), await node.GetContentVersionAsync(scopes, default));
        Assert.Equal(queries, node.VersionQueries);
    }

    /// <summary>Starts <paramref name="node"/>'s listener (its first version read does) and waits until it follows.</summary>
    private static async Task FollowingAsync(PostgresFeedStore node)
    {
        await node.GetContentVersionAsync([ContentScope.River], default);
        await WaitAsync(node, mirror => mirror.IsLive);
    }

    /// <summary>
    /// Waits until <paramref name="node"/> has seen every commit made so far: its memory has read them (their
    /// notifications came), or it reads the database.
    /// </summary>
    private static async Task SeenAsync(PostgresFeedStore node)
    {
        var storeVersion = await node.GetVersionAsync(default);
        await WaitAsync(node, mirror => !mirror.IsLive || mirror.Seen >= storeVersion);
    }

    private static async Task WaitAsync(PostgresFeedStore node, Func<ContentVersionMirror, bool> condition)
    {
        using var deadline = new CancellationTokenSource(EventDeadline);
        await node.ContentVersions.WaitUntilAsync(condition, deadline.Token);
    }

    /// <summary>The versions' sum as the database has it now: what <c>GetContentVersionAsync</c> answers when it asks it.</summary>
    private async Task<long> StoredVersionAsync(IEnumerable<ContentScope> scopes)
    {
        var keys = string.Join(", ", scopes.Select(s => $"'{s.Key}'").Append("'sources'").Distinct());
        return await ScalarAsync<long>($"SELECT coalesce(sum(version), 0)::bigint FROM content_versions WHERE scope IN ({keys})");
    }
}
