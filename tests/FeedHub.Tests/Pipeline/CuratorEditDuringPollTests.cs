using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>A curator's change made while a source is being polled is never undone by the end of the poll.</summary>
public sealed class CuratorEditDuringPollTests
{
    [Fact]
    public async Task A_pause_a_name_and_categories_set_while_the_feed_is_being_fetched_stay_after_the_poll()
    {
        var requestSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var blog = new LocalHttpServer(async (_, stream, token) =>
        {
            requestSeen.TrySetResult();
            await release.Task.WaitAsync(token);
            await HttpReply.Text(200, FeedFixtures.Rss("The blog's own title", [1, 2]), "application/rss+xml").WriteAsync(stream, token);
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);

        // The poll has read the source and is waiting for the feed when the curator edits it.
        var poll = app.Get<SourcePoller>().PollAsync(source.Id, default);
        await requestSeen.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var edit = await app.Get<SourceCatalog>().UpdateAsync(source.Id,
            new SourceSettings { State = SourceState.Paused, DisplayName = "Chosen name", Categories = ["Friends"], Extraction = ExtractionMode.Never }, default);
        Assert.Null(edit.Error);
        release.SetResult();
        var report = await poll;

        var stored = await store.GetSourceAsync(source.Id, default);
        Assert.Equal(PollOutcome.Updated, report.Outcome);
        Assert.Equal(SourceState.Paused, stored!.State);
        Assert.Equal("Chosen name", stored.DisplayName);
        Assert.Equal(["Friends"], stored.Categories);
        Assert.Equal(ExtractionMode.Never, stored.Extraction);
        // What the poll learned is saved all the same.
        Assert.Equal("The blog's own title", stored.Title);
        Assert.Equal(1, stored.Fetch.PollCount);
        Assert.NotNull(stored.Fetch.LastSuccessAt);
        Assert.Equal(2, await store.CountArticlesAsync(source.Id, default));
    }
}
