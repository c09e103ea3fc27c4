using FeedHub.Core.Fetcher;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Host slots across a cluster, on a real PostgreSQL: two throttles, each with its own pool as two worker nodes have,
/// never hold more of a host's slots together than its limit; a request past it waits until one is let go; each
/// request holds exactly one lock; and a node takes again at once the slots it let go of.
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

        var a1 = await nodeA.Throttle.AcquireAsync(Host, default);
        var a2 = await nodeA.Throttle.AcquireAsync("Blog.Example", default);
        var b1 = await nodeB.Throttle.AcquireAsync(Host, default);
        Assert.Equal(3, (await SlotsAsync(database, granted: true)).Distinct().Count());

        var waiting = nodeB.Throttle.AcquireAsync(Host, default).AsTask();
        Assert.Single(await Eventually.Async(() => SlotsAsync(database, granted: false), slots => slots.Count == 1));
        Assert.False(waiting.IsCompleted);
        await using (await nodeA.Throttle.AcquireAsync("other.example", default))
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
            heldByB.Add(await nodeB.Throttle.AcquireAsync(Host, default));
        }

        // The one slot left is A's each time: a node that still counted it as its own would never try it, and wait.
        for (var round = 0; round < 20; round++)
        {
            var lease = await nodeA.Throttle.AcquireAsync(Host, default).AsTask().WaitAsync(Deadline);
            Assert.Equal(MaxPerHost, (await SlotsAsync(database, granted: true)).Distinct().Count());
            await lease.DisposeAsync();
        }

        foreach (var lease in heldByB)
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

    private sealed record ThrottleNode(NpgsqlDataSource DataSource, ClusterHostThrottle Throttle) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => DataSource.DisposeAsync();
    }
}
