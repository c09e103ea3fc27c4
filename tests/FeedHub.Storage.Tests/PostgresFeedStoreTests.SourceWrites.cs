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
        await using var holder = new NpgsqlConnection(ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM sources WHERE id = @id FOR UPDATE", holder, hold))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<long>("id", source.Id));
            await lockRow.ExecuteNonQueryAsync();
        }

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

        await hold.CommitAsync();
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
        await using var holder = new NpgsqlConnection(ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM sources WHERE id = @id FOR UPDATE", holder, hold))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<long>("id", second.Id));
            await lockRow.ExecuteNonQueryAsync();
        }

        var poll = poller.SavePollAsync(
            new PollResult(second.Id) { Fetch = new FetchState { PollCount = 5, ConsecutiveFailures = SourceHealthRules.BrokenAfterFailures, LastError = "the server answered 500" } },
            default);
        await WaitUntilWaitingForALockAsync("feedhub-test-poll", poll);
        var (paused, copied) = ((await Store.GetSourceAsync(first.Id, default))!, (await Store.GetSourceAsync(second.Id, default))!);
        paused.State = SourceState.Paused;
        var import = importer.ImportSourcesAsync([paused, copied], default);
        await WaitUntilWaitingForALockAsync("feedhub-test-import", import);

        await hold.CommitAsync();
        await Task.WhenAll(poll, import);

        // The import rewrote the second source after the poll, with the fetch state it was given.
        var tallies = await Store.GetTalliesAsync(default);
        Assert.Equal(1, tallies.ByHealth[HealthStatus.Paused]);
        Assert.Equal(1, tallies.ByHealth[HealthStatus.New]);
        Assert.Equal(0, tallies.ByHealth[HealthStatus.Broken]);
        Assert.Equal(2, tallies.Categories.Single(c => c.Name == "Tech").Sources);
    }

    /// <summary>Connections named for <see cref="WaitUntilWaitingForALockAsync"/>, whose waits for locks end in an error rather than a hang.</summary>
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
}
