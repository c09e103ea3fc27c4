using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>A curator's change of a source applies to the source as stored when it is saved: what a poll saved stays.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_curator_change_saved_after_a_poll_keeps_the_polls_fetch_state_and_the_curators_change()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        // The curator's form shows the source; then a poll saves new validators, two failures and its next poll.
        var shown = await Store.GetSourceAsync(source.Id, default);
        await Store.SavePollAsync(new PollResult(source.Id)
        {
            Fetch = new FetchState
            {
                ETag = "\"v2\"", LastModified = "Sun, 06 Dec 2026 10:00:00 GMT", PollCount = 3, ConsecutiveFailures = 2,
                LastError = "the server answered 503", LastErrorKind = FetchErrorKind.HttpStatus, NextPollAt = T0.AddHours(3),
            },
        }, default);

        // The curator saves a pause, a name and a category: onto the source as stored, not the one the form showed.
        var saved = await Store.ChangeSourceAsync(source.Id, stored =>
        {
            (stored.State, stored.DisplayName, stored.Categories) = (SourceState.Paused, "Chosen", ["Friends"]);
            return true;
        }, default);
        Assert.Equal((null, "\"v2\""), (shown!.Fetch.ETag, saved!.Fetch.ETag));

        Store = await ReopenAsync(Store);
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal((SourceState.Paused, "Chosen"), (stored!.State, stored.DisplayName));
        Assert.Equal(["Friends"], stored.Categories);
        Assert.Equal(("\"v2\"", "Sun, 06 Dec 2026 10:00:00 GMT", 3L), (stored.Fetch.ETag, stored.Fetch.LastModified, stored.Fetch.PollCount));
        Assert.Equal((2, "the server answered 503", T0.AddHours(3)), (stored.Fetch.ConsecutiveFailures, stored.Fetch.LastError, stored.Fetch.NextPollAt));
        Assert.Equal([source.Id], (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Paused }, default)).Sources.Select(s => s.Id));
    }

    [Fact]
    public async Task A_change_that_declines_saves_nothing_and_a_removed_source_has_nothing_to_change()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var removed = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        await Store.RemoveSourceAsync(removed.Id, keepArticles: false, default);
        var version = await Store.GetVersionAsync(default);

        var declined = await Store.ChangeSourceAsync(source.Id, stored =>
        {
            stored.DisplayName = "Not saved";
            return false;
        }, default);
        var called = false;
        var missing = await Store.ChangeSourceAsync(removed.Id, _ => called = true, default);

        Assert.Equal(source.Id, declined?.Id);
        Assert.Null(missing);
        Assert.False(called);
        Assert.Null((await Store.GetSourceAsync(source.Id, default))!.DisplayName);
        Assert.Null(await Store.GetSourceAsync(removed.Id, default));
        Assert.Equal(version, await Store.GetVersionAsync(default));
    }

    /// <summary>Curators and polls changing one source from many threads at once: every change is kept.</summary>
    [Fact]
    public async Task Changes_and_polls_of_one_source_from_many_threads_are_all_kept()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => i % 3 == 0
            ? Store.SavePollAsync(new PollResult(source.Id) { Fetch = new FetchState { PollCount = i, ETag = $"\"{i}\"" } }, default)
            : ChangeAsync(source.Id, stored => stored.Categories.Add($"Category {i}")))));

        var stored = await Store.GetSourceAsync(source.Id, default);
        string[] categories = ["Tech", "Français", .. Enumerable.Range(0, 24).Where(i => i % 3 != 0).Select(i => $"Category {i}")];
        Assert.Equal(categories.Order(StringComparer.Ordinal), stored!.Categories.Order(StringComparer.Ordinal));
        Assert.Equal($"\"{stored.Fetch.PollCount}\"", stored.Fetch.ETag);
        Assert.Equal(16, (await Store.GetTalliesAsync(default)).Categories.Count(c => c.Name.StartsWith("Category ", StringComparison.Ordinal)));
    }

    /// <summary>Changes a stored source the way a curator does (<see cref="IFeedStore.ChangeSourceAsync"/>), always saving.</summary>
    protected async Task<Source> ChangeAsync(long id, Action<Source> edit)
        => (await Store.ChangeSourceAsync(id, stored =>
        {
            edit(stored);
            return true;
        }, default))!;
}
