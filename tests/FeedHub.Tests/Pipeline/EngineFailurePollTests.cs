using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using static FeedHub.Storage.Tests.EngineFaults;
using FeedHub.Tests.Support;
using LiteDB;
using LiteDB.Engine;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// LiteDB's engine closes itself when one of its own checks fails (its page cache breaks now and then under concurrent
/// writers and readers), in whichever call meets it. A poll whose save meets it records a storage error on its source
/// and backs off, as on a full disk, instead of throwing out of the poll's job; the next poll is stored by the engine
/// opened again.
/// </summary>
public sealed class EngineFailurePollTests
{
    [Fact]
    public async Task A_poll_whose_save_meets_the_engine_closed_by_its_own_check_records_a_storage_error_and_backs_off()
    {
        LiteEngine? toBreak = null;
        await using var blog = LocalHttpServer.Serving(request =>
        {
            // While the poll is under way, between its read of the source and its save: the check fails behind the store's back.
            if (Interlocked.Exchange(ref toBreak, null) is { } engine)
            {
                FailOwnCheck(engine);
            }

            return HttpReply.Text(304, string.Empty);
        });
        // Without WebSub's subscriber the poll reads nothing after its fetch (a read meeting the engine closed is done
        // again on the engine opened since): its save is the first call to meet it.
        await using var app = await TestApp.StartAsync(worker: false, settings: ["--FeedHub:WebSub:Subscriber:Enabled=false"]);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("feed.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var poller = app.Get<SourcePoller>();
        var writes = app.Get<StoreWrites>();
        // Once the server's first requests of itself are made, the poll is the store's only caller.
        await TestApp.EventuallyAsync(() => app.Http.GetAsync("/readyz"), answer => answer.IsSuccessStatusCode);

        toBreak = ((LiteDbFeedStore)store).Engine.Open;
        var before = DateTimeOffset.UtcNow;
        var report = await poller.PollAsync(source.Id, default);

        Assert.True(report.StorageFailed, $"the poll reported {report.Outcome}: {report.Error}");
        Assert.StartsWith("storage error: the database engine found its state inconsistent", report.Error, StringComparison.Ordinal);
        var failed = (await store.GetSourceAsync(source.Id, default))!;
        Assert.Equal(FetchErrorKind.Storage, failed.Fetch.LastErrorKind);
        Assert.Equal(report.Error, failed.Fetch.LastError);
        Assert.Equal(1, failed.Fetch.ConsecutiveFailures);
        Assert.True(failed.Fetch.NextPollAt > before, "the source is polled again after a backoff");
        Assert.NotNull(writes.Failure);

        var again = await poller.PollAsync(source.Id, default);
        Assert.Null(again.Error);
        Assert.Equal(0, (await store.GetSourceAsync(source.Id, default))!.Fetch.ConsecutiveFailures);
        Assert.Null(writes.Failure);
    }
}
