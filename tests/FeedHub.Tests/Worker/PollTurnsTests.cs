using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using FeedHub.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FeedHub.Tests.Worker;

/// <summary>
/// A source's poll turn is held by one poll at a time: within a process, and on PostgreSQL across processes (each with
/// its own <see cref="PollTurns"/> and so its own session, as two worker nodes have), and a process whose session ends
/// gives its turns back. A turn given back on PostgreSQL is unlocked with the next turn taken, or once
/// <see cref="PollTurns.GiveBackDelay"/> has passed (on a fake clock here, so only when the test moves it).
/// </summary>
public sealed class PollTurnsTests
{
    [Fact]
    public async Task In_one_process_a_sources_turn_is_held_once_until_it_is_given_back()
    {
        await using var turns = new PollTurns(null, TimeProvider.System, NullLogger<PollTurns>.Instance);

        var first = await turns.TryTakeAsync(1, default);
        Assert.NotNull(first);
        Assert.Null(await turns.TryTakeAsync(1, default));
        await using (var other = await turns.TryTakeAsync(2, default))
        {
            Assert.NotNull(other);
        }

        await first.DisposeAsync();
        await first.DisposeAsync();
        await using var again = await turns.TryTakeAsync(1, default);
        Assert.NotNull(again);
        Assert.Null(await turns.TryTakeAsync(1, default));
    }

    [Fact]
    public async Task On_postgres_two_processes_never_hold_one_sources_turn_at_once_and_a_session_that_ends_gives_its_turns_back()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider();
        await using var nodeA = new PollTurns(database.ConnectionString, clock, NullLogger<PollTurns>.Instance);
        await using var nodeB = new PollTurns(database.ConnectionString, clock, NullLogger<PollTurns>.Instance);

        var heldByA = await nodeA.TryTakeAsync(1, default);
        Assert.NotNull(heldByA);
        Assert.Null(await nodeB.TryTakeAsync(1, default));
        Assert.Null(await nodeA.TryTakeAsync(1, default));
        await using (var otherSource = await nodeB.TryTakeAsync(2, default))
        {
            Assert.NotNull(otherSource);
            Assert.Null(await nodeA.TryTakeAsync(2, default));
        }

        // Given back by A: once the delay is over, B takes it, and A no longer can.
        await heldByA.DisposeAsync();
        clock.Advance(PollTurns.GiveBackDelay);
        var heldByB = await TestApp.EventuallyAsync(async () => await nodeB.TryTakeAsync(1, default), turn => turn is not null);
        Assert.NotNull(heldByB);
        Assert.Null(await nodeA.TryTakeAsync(1, default));
        await heldByB.DisposeAsync();

        // A's session ends while it holds a turn (the process died, the connection broke): PostgreSQL gives it back.
        Assert.NotNull(await nodeA.TryTakeAsync(3, default));
        Assert.Null(await nodeB.TryTakeAsync(3, default));
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                """
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND objsubid = 1 AND classid = 1346764800 AND objid = 3
                """, connection);
            Assert.Equal(true, await terminate.ExecuteScalarAsync());
        }

        var afterTheSessionEnded = await TestApp.EventuallyAsync(async () => await nodeB.TryTakeAsync(3, default), turn => turn is not null);
        Assert.NotNull(afterTheSessionEnded);
        await afterTheSessionEnded.DisposeAsync();
    }

    [Fact]
    public async Task On_postgres_a_turn_given_back_stays_this_processs_until_its_next_turn_taken_unlocks_it_in_the_same_statement()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider();
        await using var nodeA = new PollTurns(database.ConnectionString, clock, NullLogger<PollTurns>.Instance);
        await using var nodeB = new PollTurns(database.ConnectionString, clock, NullLogger<PollTurns>.Instance);

        // Given back, still locked on A's session: B cannot take it yet, A takes it again without waiting.
        await (await nodeA.TryTakeAsync(1, default))!.DisposeAsync();
        Assert.Null(await nodeB.TryTakeAsync(1, default));
        var again = await nodeA.TryTakeAsync(1, default);
        Assert.NotNull(again);
        Assert.Null(await nodeA.TryTakeAsync(1, default));
        await again.DisposeAsync();
        Assert.Null(await nodeB.TryTakeAsync(1, default));

        // A's next take, of another source, unlocks it: B takes it at once, the clock unmoved.
        await using var other = await nodeA.TryTakeAsync(2, default);
        Assert.NotNull(other);
        await using var heldByB = await nodeB.TryTakeAsync(1, default);
        Assert.NotNull(heldByB);
        Assert.Null(await nodeA.TryTakeAsync(1, default));
    }
}
