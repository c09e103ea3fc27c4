using FeedHub.Core.Fetcher;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Host slots across a cluster, on a real PostgreSQL: two throttles, each with its own pool as two worker nodes have,
/// never hold more of a host's slots together than its limit; a request past it waits until one is let go; each
/// request holds exactly one lock; a node takes again at once the slots it let go of, even before it knows; and pages
/// leave the host's first slot to its feeds.
/// </summary>
public sealed class ClusterHostThrottleTests
{
    private const int MaxPerHost = 3;
    private const string Host = "blog.example";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_nodes_together_hold_at_most_the_hosts_slots_and_a_request_past_them_waits_for_one_to_be_let_go()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var nodeA = Node(database);
        await using var nodeB = Node(database);

        var a1 = await nodeA.Throttle.AcquireAsync(Host, HostRequest.Feed, default);
        var a2 = await nodeA.Throttle.AcquireAsync("Blog.Example", HostRequest.Feed, default);
        var b1 = await nodeB.Throttle.AcquireAsync(Host, HostRequest.Feed, default);
        Assert.Equal(3, (await SlotsAsync(database, granted: true)).Distinct().Count());

        var waiting = nodeB.Throttle.AcquireAsync(Host, HostRequest.Feed, default).AsTask();
        Assert.Single(await Eventually.Async(() => SlotsAsync(database, granted: false), slots => slots.Count == 1));
        Assert.False(waiting.IsCompleted);
        await using (await nodeA.Throttle.AcquireAsync("other.example", HostRequest.Feed, default))
        {
            // Another host's slots are its own.
        }

        // B waits on one of A's slots (never on its own: that would wait for itself), and gets it when A lets go.
        await a1.DisposeAsync();
        await a2.DisposeAsync();
        var b2 = await waiting.WaitAsync(Deadline);
        var held = await SlotsAsync(database, granted: true);
        Assert.Equal(2, held.Distinct().Count());
        Assert.Equal(2, held.Count);
        Assert.Empty(await SlotsAsync(database, granted: false));

        await b1.DisposeAsync();
        await b2.DisposeAsync();
        Assert.Empty(await SlotsAsync(database, granted: true));
    }

    [Fact]
    public async Task A_node_takes_again_at_once_the_slot_it_let_go_of_while_the_other_node_holds_the_rest()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var nodeA = Node(database);
        await using var nodeB = Node(database);
        var heldByB = new List<IAsyncDisposable>();
        for (var i = 0; i < MaxPerHost - 1; i++)
        {
            heldByB.Add(await nodeB.Throttle.AcquireAsync(Host, HostRequest.Feed, default));
        }

        // The one slot left is A's each time: a node that still counted it as its own would never try it, and wait.
        for (var round = 0; round < 20; round++)
        {
            var lease = await nodeA.Throttle.AcquireAsync(Host, HostRequest.Feed, default).AsTask().WaitAsync(Deadline);
            Assert.Equal(MaxPerHost, (await SlotsAsync(database, granted: true)).Distinct().Count());
            await lease.DisposeAsync();
        }

        foreach (var lease in heldByB)
        {
            await lease.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_slot_freed_before_its_node_knows_it_is_taken_rather_than_waiting_on_a_busy_one()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var nodeA = Node(database);
        await using var nodeB = Node(database);
        var ofA = await nodeA.Throttle.AcquireAsync(Host, HostRequest.Feed, default);
        var slotOfA = Assert.Single(await SlotsAsync(database, granted: true));
        var heldByB = new List<IAsyncDisposable>();
        for (var i = 0; i < MaxPerHost - 1; i++)
        {
            heldByB.Add(await nodeB.Throttle.AcquireAsync(Host, HostRequest.Feed, default));
        }

        // A's slot is let go in PostgreSQL while A still counts it as its own, as between a lease's unlock and its
        // bookkeeping, or when its session is ended: A's next request must take it, not queue behind B's.
        await TerminateHolderOfAsync(database, slotOfA);
        await Eventually.Async(() => SlotsAsync(database, granted: true), slots => !slots.Contains(slotOfA));
        var next = await nodeA.Throttle.AcquireAsync(Host, HostRequest.Feed, default).AsTask().WaitAsync(Deadline);
        Assert.Equal(MaxPerHost, (await SlotsAsync(database, granted: true)).Distinct().Count());
        Assert.Empty(await SlotsAsync(database, granted: false));

        await next.DisposeAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await ofA.DisposeAsync());
        foreach (var lease in heldByB)
        {
            await lease.DisposeAsync();
        }

        Assert.Empty(await SlotsAsync(database, granted: true));
    }

    [Fact]
    public async Task Pages_of_two_nodes_never_take_the_hosts_first_slot_so_a_feed_gets_it_at_once_while_a_page_waits()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var nodeA = Node(database);
        await using var nodeB = Node(database);
        var pageOfA = await nodeA.Throttle.AcquireAsync(Host, HostRequest.Page, default);
        var pageOfB = await nodeB.Throttle.AcquireAsync(Host, HostRequest.Page, default);
        Assert.Equal([1L, 2L], (await SlotsAsync(database, granted: true)).Order());

        // A third page waits, though the first slot is free; a feed of either node takes that slot at once.
        var waiting = nodeB.Throttle.AcquireAsync(Host, HostRequest.Page, default).AsTask();
        Assert.Single(await Eventually.Async(() => SlotsAsync(database, granted: false), slots => slots.Count == 1));
        var feed = await nodeA.Throttle.AcquireAsync(Host, HostRequest.Feed, default).AsTask().WaitAsync(Deadline);
        Assert.Equal([0L, 1L, 2L], (await SlotsAsync(database, granted: true)).Order());
        Assert.False(waiting.IsCompleted);

        // The page gets a page's slot when one is let go of.
        await pageOfA.DisposeAsync();
        var page = await waiting.WaitAsync(Deadline);
        Assert.Equal([0L, 1L, 2L], (await SlotsAsync(database, granted: true)).Order());
        foreach (var lease in new[] { page, pageOfB, feed })
        {
            await lease.DisposeAsync();
        }
    }

    private static ThrottleNode Node(PostgresTestDatabase database)
    {
        var dataSource = NpgsqlDataSource.Create(RepeatedStatements.ConnectionString(database.ConnectionString));
        return new ThrottleNode(dataSource, new ClusterHostThrottle(dataSource, new HostThrottle(16, MaxPerHost), MaxPerHost));
    }

    /// <summary>The slots of <see cref="Host"/> whose advisory locks are held (or waited for), one entry per lock.</summary>
    private static async Task<List<long>> SlotsAsync(PostgresTestDatabase database, bool granted)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT objid::bigint FROM pg_locks
            WHERE locktype = 'advisory' AND objsubid = 2 AND granted = $1 AND classid = hashtext($2)::oid
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = granted });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Host });
        var slots = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            slots.Add(reader.GetInt64(0));
        }

        return slots;
    }

    private static async Task TerminateHolderOfAsync(PostgresTestDatabase database, long slot)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND classid = hashtext($1)::oid AND objid::bigint = $2
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Host });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = slot });
        Assert.Equal(true, await command.ExecuteScalarAsync());
    }

    private sealed record ThrottleNode(NpgsqlDataSource DataSource, ClusterHostThrottle Throttle) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => DataSource.DisposeAsync();
    }
}
