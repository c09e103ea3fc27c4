using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Writes of sources lock rows in one order: the sources' rows, then (when the transaction commits) the tallies, the
/// store version and the content versions (migrations 0019 and 0020), so two of them never wait on each other in a cycle.
/// </summary>
public sealed partial class PostgresFeedStoreTests
{
    [Fact]
    public async Task A_poll_and_a_curator_saving_the_same_source_at_once_both_commit()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var poller = await OpenOtherStoreAsync(Named("feedhub-test-poll"));
        var curator = await OpenOtherStoreAsync(Named("feedhub-test-curator"));
        var version = await Store.GetVersionAsync(default);

        // A third transaction holds the source's row, so the poll (which locks it first) queues for it, and then the
        // curator: when it commits, the poll goes first, and the curator waits for the poll to end.
        await using var hold = await RowHold.OfSourceAsync(ConnectionString, source.Id);

        // Both change what readers see: the poll learns the feed's title, the curator renames the source.
        var poll = poller.SavePollAsync(
            new PollResult(source.Id) { Fetch = new FetchState { ETag = "\"v2\"", PollCount = 1 }, Feed = new LearnedFeed("Feed title", "https://a.example/") },
            default);
        await WaitUntilWaitingForALockAsync("feedhub-test-poll", poll);
        var edit = curator.ChangeSourceAsync(source.Id, stored =>
        {
            stored.DisplayName = "Chosen";
            return true;
        }, default);
        await WaitUntilWaitingForALockAsync("feedhub-test-curator", edit);

        await hold.ReleaseAsync();
        await Task.WhenAll(poll, edit);

        // The curator's change applies onto what the poll saved: both stay.
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal(("Chosen", "Feed title", "\"v2\"", 1L), (stored!.DisplayName, stored.Title, stored.Fetch.ETag, stored.Fetch.PollCount));
        Assert.Equal(version + 2, await Store.GetVersionAsync(default));
    }

    [Fact]
    public async Task An_import_and_a_poll_moving_the_same_tally_both_commit_and_the_counts_add_up()
    {
        var first = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var second = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var importer = await OpenOtherStoreAsync(Named("feedhub-test-import"));
        var poller = await OpenOtherStoreAsync(Named("feedhub-test-poll"));

        // A third transaction holds the second source's row: a poll that finds it broken queues for it, then an import
        // that pauses the first source (both move the tally of new sources) and rewrites the second.
        await using var hold = await RowHold.OfSourceAsync(ConnectionString, second.Id);

        var poll = poller.SavePollAsync(
            new PollResult(second.Id) { Fetch = new FetchState { PollCount = 5, ConsecutiveFailures = SourceHealthRules.BrokenAfterFailures, LastError = "the server answered 500" } },
            default);
        await WaitUntilWaitingForALockAsync("feedhub-test-poll", poll);
        var (paused, copied) = ((await Store.GetSourceAsync(first.Id, default))!, (await Store.GetSourceAsync(second.Id, default))!);
        paused.State = SourceState.Paused;
        var import = importer.ImportSourcesAsync([paused, copied], default);
        await WaitUntilWaitingForALockAsync("feedhub-test-import", import);

        await hold.ReleaseAsync();
        await Task.WhenAll(poll, import);

        // The import rewrote the second source after the poll, with the fetch state it was given.
        var tallies = await Store.GetTalliesAsync(default);
        Assert.Equal(1, tallies.ByHealth[HealthStatus.Paused]);
        Assert.Equal(1, tallies.ByHealth[HealthStatus.New]);
        Assert.Equal(0, tallies.ByHealth[HealthStatus.Broken]);
        Assert.Equal(2, tallies.Categories.Single(c => c.Name == "Tech").Sources);
    }

    [Fact]
    public async Task A_move_refused_for_an_address_whose_source_is_removed_before_it_is_named_is_made_after_all()
    {
        var moving = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var holder = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var curator = await OpenOtherStoreAsync(Named("feedhub-test-move"));

        // A transaction holds the moving source's row: the move queues for it, already holding its share of the table.
        await using var hold = await RowHold.OfSourceAsync(ConnectionString, moving.Id);

        var move = curator.ChangeSourceAsync(moving.Id, stored =>
        {
            stored.FeedUrl = "https://b.example/feed";
            return true;
        }, default);
        await WaitUntilWaitingForALockAsync("feedhub-test-move", move);

        // The removal asks for the whole table and queues behind the move, which goes first once the row is let go: it
        // is refused at the address, its transaction ends, and then the table is the removal's until it commits, so the
        // move's look-up of the source at the address comes after the removal. That is the gate between the two.
        await using var remover = new NpgsqlConnection(Named("feedhub-test-remove"));
        await remover.OpenAsync();
        await using var removal = await remover.BeginTransactionAsync();
        await using var lockTable = new NpgsqlCommand("LOCK TABLE sources IN ACCESS EXCLUSIVE MODE", remover, removal);
        var tableLocked = lockTable.ExecuteNonQueryAsync();
        await WaitUntilWaitingForALockAsync("feedhub-test-remove", tableLocked);
        await hold.ReleaseAsync();
        await tableLocked;
        await using (var remove = new NpgsqlCommand("DELETE FROM sources WHERE id = @id", remover, removal))
        {
            remove.Parameters.Add(new NpgsqlParameter<long>("id", holder.Id));
            await remove.ExecuteNonQueryAsync();
        }

        await removal.CommitAsync();

        // The address was free when the move looked for its holder: the move is made, not failed.
        var moved = await move;
        Assert.Equal("https://b.example/feed", moved?.FeedUrl);
        Assert.Equal(moving.Id, (await Store.FindSourceByFeedUrlAsync("https://b.example/feed", default))?.Id);
    }

    /// <summary>Connections named for <see cref="WaitUntilWaitingForALockAsync"/>, whose waits for locks end in an error rather than a hang.</summary>
    /// <summary>
    /// A removal of a source comes while a poll of it is being saved, its write of articles queued behind the removal:
    /// the poll stores none of them (they were stored before, without a source).
    /// </summary>
    [Fact]
    public async Task A_poll_whose_articles_wait_for_the_removal_of_their_source_stores_none()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var remover = await OpenOtherStoreAsync(Named("feedhub-test-remove"));
        var poller = await OpenOtherStoreAsync(Named("feedhub-test-poll"));

        // A third transaction holds the source's row: the removal queues for it, then the poll's write of articles.
        await using var hold = await RowHold.OfSourceAsync(ConnectionString, source.Id);
        var removal = remover.RemoveSourceAsync(source.Id, keepArticles: false, default);
        await WaitUntilWaitingForALockAsync("feedhub-test-remove", removal);
        var poll = poller.SavePollWithArticlesAsync(
            new PollResult(source.Id) { PolledUrl = source.FeedUrl, Fetch = new FetchState { PollCount = 1 } }, [NewArticle(source.Id, "a")], [], default);
        await WaitUntilWaitingForALockAsync("feedhub-test-poll", poll);

        await hold.ReleaseAsync();
        Assert.True(await removal);
        await poll;

        Assert.Equal(0, await Store.CountArticlesAsync(source.Id, default));
    }

    /// <summary>
    /// A removal of a source comes while a poll's write of its articles is under way: it waits for the write, then
    /// removes what it stored (it removed only what was committed when it began, and left the rest without a source).
    /// </summary>
    [Fact]
    public async Task A_removal_that_waits_for_a_polls_write_of_articles_removes_them_too()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var poller = await OpenOtherStoreAsync(Named("feedhub-test-poll"));
        var remover = await OpenOtherStoreAsync(Named("feedhub-test-remove"));

        // A third transaction is inserting an article of the same key: the poll's write, its source held, waits for it.
        await using var rival = await ArticleInsertHold.OfAsync(ConnectionString, source.Id, "a");
        var poll = poller.SavePollWithArticlesAsync(
            new PollResult(source.Id) { PolledUrl = source.FeedUrl, Fetch = new FetchState { PollCount = 1 } }, [NewArticle(source.Id, "a")], [], default);
        await WaitUntilWaitingForALockAsync("feedhub-test-poll", poll);
        var removal = remover.RemoveSourceAsync(source.Id, keepArticles: false, default);
        await WaitUntilWaitingForALockAsync("feedhub-test-remove", removal);

        // The rival gives up: the poll stores its article and commits, then the removal goes on.
        await rival.DisposeAsync();
        await poll;
        Assert.True(await removal);

        Assert.Equal(0, await Store.CountArticlesAsync(source.Id, default));
    }

    private string Named(string application)
        => new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = application, Options = "-c lock_timeout=60s" }.ConnectionString;

    /// <summary>Returns once a connection of <paramref name="application"/> waits for a lock (or its write has ended).</summary>
    private async Task WaitUntilWaitingForALockAsync(string application, Task write)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var waiting = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @application AND wait_event_type = 'Lock'");
        waiting.Parameters.Add(new NpgsqlParameter<string>("application", application));
        while ((long)(await waiting.ExecuteScalarAsync())! == 0)
        {
            Assert.False(write.IsCompleted, $"The write of {application} ended without waiting: {write.Exception?.InnerException?.Message}");
            await Task.Delay(10);
        }
    }

    /// <summary>A transaction of its own holding one source's row until <see cref="ReleaseAsync"/> (disposed before: rolled back).</summary>
    private sealed class RowHold(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public static async Task<RowHold> OfSourceAsync(string connectionString, long id)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var lockRow = new NpgsqlCommand("SELECT 1 FROM sources WHERE id = @id FOR UPDATE", connection, transaction);
            lockRow.Parameters.Add(new NpgsqlParameter<long>("id", id));
            await lockRow.ExecuteNonQueryAsync();
            return new RowHold(connection, transaction);
        }

        public Task ReleaseAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>A transaction of its own inserting an article of a source, not committed: disposed, it is rolled back.</summary>
    private sealed class ArticleInsertHold(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public static async Task<ArticleInsertHold> OfAsync(string connectionString, long sourceId, string key)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO articles (source_id, key, entry_id, first_seen_at, changed_at, sort_date, content_hash, extraction)
                VALUES (@source_id, @key, 'urn:rival', now(), now(), now(), 'rival', 'None')
                """,
                connection,
                transaction);
            insert.Parameters.Add(new NpgsqlParameter<long>("source_id", sourceId));
            insert.Parameters.Add(new NpgsqlParameter<string>("key", key));
            await insert.ExecuteNonQueryAsync();
            return new ArticleInsertHold(connection, transaction);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
