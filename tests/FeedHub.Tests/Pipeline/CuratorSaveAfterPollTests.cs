using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// A curator's save never undoes what a poll stored between the moment the curator's change began and its write
/// (validators, failures, next poll), nor another curator's change: each applies to the source as stored at that moment.
/// </summary>
public sealed class CuratorSaveAfterPollTests
{
    private const string Curator = "feedhub-test-curator";
    private const string Poller = "feedhub-test-poll";
    private static readonly DateTimeOffset PollsAgainAt = DateTimeOffset.UtcNow.AddHours(3);

    /// <summary>What the poll learned: new validators, two failures in a row, its count, its next poll.</summary>
    private static PollResult Poll(long id) => new(id)
    {
        Fetch = new FetchState
        {
            ETag = "\"v2\"", LastModified = "Sun, 06 Dec 2026 10:00:00 GMT", PollCount = 3, ConsecutiveFailures = 2,
            LastError = "the server answered 503", LastErrorKind = FetchErrorKind.HttpStatus, NextPollAt = PollsAgainAt,
        },
    };

    [Theory]
    [InlineData("litedb")]
    [InlineData("postgres")]
    public async Task A_move_keeps_what_a_poll_saved_while_the_new_address_was_being_checked(string storage)
    {
        var requestSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var blog = new LocalHttpServer(async (_, stream, token) =>
        {
            requestSeen.TrySetResult();
            await release.Task.WaitAsync(token);
            await HttpReply.Text(200, FeedFixtures.Rss("The new feed", [1]), "application/rss+xml").WriteAsync(stream, token);
        });
        await using var database = storage == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
        await using var app = await StartAsync(database?.ConnectionString);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("old-feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);

        // The move has read the source and is checking the new address when a poll of the old one saves its result.
        var move = app.Get<SourceCatalog>().MoveAsync(source.Id, blog.Url("new-feed").AbsoluteUri, new SourceSettings { Categories = ["Moved"] }, default);
        await requestSeen.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await store.SavePollAsync(Poll(source.Id) with { Feed = new LearnedFeed("Polled title", "https://old.example/") }, default);
        release.SetResult();
        var moved = await move;

        Assert.Equal(MoveSourceStatus.Moved, moved.Status);
        var stored = await store.GetSourceAsync(source.Id, default);
        Assert.Equal((blog.Url("new-feed").AbsoluteUri, "The new feed"), (stored!.FeedUrl, stored.Title));
        Assert.Equal(["Moved"], stored.Categories);
        // The poll's count stays; what the old address answered is forgotten, and the source is polled now.
        Assert.Equal(3, stored.Fetch.PollCount);
        Assert.Equal((null, null, 0, null), (stored.Fetch.ETag, stored.Fetch.LastModified, stored.Fetch.ConsecutiveFailures, stored.Fetch.LastError));
        Assert.Equal(blog.Url("old-feed").AbsoluteUri, stored.Fetch.MovedFrom);
        Assert.True(stored.Fetch.NextPollAt < PollsAgainAt);
    }

    /// <summary>A poll of the old address that ends after a move saves nothing of what the old address answered.</summary>
    [Theory]
    [InlineData("litedb")]
    [InlineData("postgres")]
    public async Task A_poll_of_the_old_address_ending_after_a_move_leaves_the_moved_source_as_the_move_left_it(string storage)
    {
        var oldFeedRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var blog = new LocalHttpServer(async (request, stream, token) =>
        {
            if (request.Path.Contains("old-feed", StringComparison.Ordinal))
            {
                oldFeedRequested.TrySetResult();
                await release.Task.WaitAsync(token);
                await HttpReply.Text(200, FeedFixtures.Rss("The old feed", [1, 2]), "application/rss+xml", ("ETag", "\"old\"")).WriteAsync(stream, token);
                return;
            }

            await HttpReply.Text(200, FeedFixtures.Rss("The new feed", [3]), "application/rss+xml").WriteAsync(stream, token);
        });
        await using var database = storage == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
        await using var app = await StartAsync(database?.ConnectionString);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("old-feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);

        var poll = app.Get<SourcePoller>().PollAsync(source.Id, default);
        await oldFeedRequested.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var moved = await app.Get<SourceCatalog>().MoveAsync(source.Id, blog.Url("new-feed").AbsoluteUri, SourceSettings.None, default);
        Assert.Equal(MoveSourceStatus.Moved, moved.Status);
        release.SetResult();
        await poll;

        var stored = await store.GetSourceAsync(source.Id, default);
        Assert.Equal((blog.Url("new-feed").AbsoluteUri, "The new feed"), (stored!.FeedUrl, stored.Title));
        Assert.Equal((null, blog.Url("old-feed").AbsoluteUri), (stored.Fetch.ETag, stored.Fetch.MovedFrom));
    }

    /// <summary>
    /// On PostgreSQL a third transaction holds the source's row: the poll's save queues for it, then the curator's.
    /// When the row is let go, the poll commits first and the curator's change must apply onto what it stored.
    /// </summary>
    [Theory]
    [InlineData("update")]
    [InlineData("refresh")]
    [InlineData("bulk")]
    public async Task On_postgres_a_curator_save_queued_behind_a_poll_keeps_what_the_poll_saved(string change)
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var app = await StartAsync(PostgresRowLocks.Named(database.ConnectionString, Curator));
        var store = app.Get<IFeedStore>();
        var catalog = app.Get<SourceCatalog>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "A blog", CreatedAt = DateTimeOffset.UtcNow }, default);
        await using var poller = await PostgresFeedStore.OpenAsync(PostgresRowLocks.Named(database.ConnectionString, Poller), default);

        await using var holder = await PostgresRowLocks.HoldAsync(database.ConnectionString, "sources", source.Id);
        var poll = poller.SavePollAsync(Poll(source.Id), default);
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Poller, "sources", 1, poll);
        Task<string?> save = change switch
        {
            "update" => Error(catalog.UpdateAsync(source.Id, new SourceSettings { State = SourceState.Paused, DisplayName = "Chosen", Categories = ["Friends"] }, default)),
            "refresh" => Error(catalog.RefreshAsync(source.Id, default)),
            _ => BulkError(catalog.ApplyAsync([source.Id], new BulkChange(BulkAction.AddCategory, "Friends"), default)),
        };
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Curator, "sources", 1, save);

        await holder.ReleaseAsync();
        await poll;
        Assert.Null(await save);

        var stored = await store.GetSourceAsync(source.Id, default);
        Assert.Equal(("\"v2\"", "Sun, 06 Dec 2026 10:00:00 GMT", 3L), (stored!.Fetch.ETag, stored.Fetch.LastModified, stored.Fetch.PollCount));
        Assert.Equal((2, "the server answered 503"), (stored.Fetch.ConsecutiveFailures, stored.Fetch.LastError));
        switch (change)
        {
            case "update":
                Assert.Equal((SourceState.Paused, "Chosen", PollsAgainAt.ToUnixTimeMilliseconds()), (stored.State, stored.DisplayName, stored.Fetch.NextPollAt?.ToUnixTimeMilliseconds()));
                Assert.Equal(["Friends"], stored.Categories);
                Assert.Equal(HealthStatus.Paused, SourceHealthRules.Judge(stored).Status);
                break;
            case "refresh":
                Assert.True(stored.Fetch.NextPollAt < PollsAgainAt, $"the refresh's next poll was undone: {stored.Fetch.NextPollAt}");
                break;
            default:
                Assert.Equal(["Friends"], stored.Categories);
                break;
        }
    }

    /// <summary>Two curators (the admin form and the API) save different settings of one source at once: both stay.</summary>
    [Fact]
    public async Task On_postgres_two_curators_saving_one_source_at_once_keep_both_changes()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var app = await StartAsync(PostgresRowLocks.Named(database.ConnectionString, Curator));
        var store = app.Get<IFeedStore>();
        var catalog = app.Get<SourceCatalog>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "A blog", Categories = ["Tech"], CreatedAt = DateTimeOffset.UtcNow }, default);

        await using var holder = await PostgresRowLocks.HoldAsync(database.ConnectionString, "sources", source.Id);
        var rename = Error(catalog.UpdateAsync(source.Id, new SourceSettings { DisplayName = "Chosen" }, default));
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Curator, "sources", 1, rename);
        var recategorise = BulkError(catalog.ApplyAsync([source.Id], new BulkChange(BulkAction.AddCategory, "Friends"), default));
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Curator, "sources", 2, recategorise);

        await holder.ReleaseAsync();
        Assert.All(await Task.WhenAll(rename, recategorise), Assert.Null);

        var stored = await store.GetSourceAsync(source.Id, default);
        Assert.Equal("Chosen", stored!.DisplayName);
        Assert.Equal(["Tech", "Friends"], stored.Categories);
    }

    private static Task<TestApp> StartAsync(string? postgres)
        => TestApp.StartAsync(worker: false, settings: postgres is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={postgres}"]);

    private static async Task<string?> Error(Task<UpdateSourceResult> update) => (await update).Error;

    private static async Task<string?> BulkError(Task<BulkResult> bulk) => (await bulk).Problems.SingleOrDefault();
}
