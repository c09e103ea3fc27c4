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

        // The curator saves a pause, a name and a category.
        shown!.State = SourceState.Paused;
        shown.DisplayName = "Chosen";
        shown.Categories = ["Friends"];
        await Store.UpdateSourceAsync(shown, default);

        Store = await ReopenAsync(Store);
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal((SourceState.Paused, "Chosen"), (stored!.State, stored.DisplayName));
        Assert.Equal(["Friends"], stored.Categories);
        Assert.Equal(("\"v2\"", "Sun, 06 Dec 2026 10:00:00 GMT", 3L), (stored.Fetch.ETag, stored.Fetch.LastModified, stored.Fetch.PollCount));
        Assert.Equal((2, "the server answered 503", T0.AddHours(3)), (stored.Fetch.ConsecutiveFailures, stored.Fetch.LastError, stored.Fetch.NextPollAt));
        Assert.Equal([source.Id], (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Paused }, default)).Sources.Select(s => s.Id));
    }
}
