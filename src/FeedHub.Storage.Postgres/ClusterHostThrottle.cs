using FeedHub.Core.Fetcher;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Politeness that holds across a cluster: a host gets at most <c>maxPerHost</c> concurrent requests from all
/// worker nodes together. Each request holds one of the host's slots, a PostgreSQL session advisory lock keyed by
/// the host name and the slot number, for as long as it runs; the node-local throttle still bounds the node's own
/// concurrency. A node that dies releases its slots with its connections. An article's page never takes the host's
/// first slot, which is left to its feeds: at most <c>maxPerHost</c> - 1 pages of a host at a time across the cluster,
/// as the page queue runs on each node, so a site's pages never hold up its feeds.
/// </summary>
/// <remarks>
/// One statement tries the host's slots, starting at a random one, the slots none of this node's requests holds first:
/// on one node the first slot tried is free, and on several a node tries about as many as the other nodes hold, where
/// trying slot 0, 1, 2 ... in turn cost as many locks as the host had requests in flight. The slots this node's
/// requests hold are tried last, not left out: what the node knows can be late (a request has unlocked its slot and
/// not yet said so, or its session was ended), and a request that left such a slot out would wait on a busy one while
/// it is free. The lock decides, so a slot another node took is passed over, and two requests of one node never hold
/// the same slot (their sessions differ).
/// </remarks>
public sealed class ClusterHostThrottle(NpgsqlDataSource dataSource, IHostThrottle local, int maxPerHost) : IHostThrottle
{
    private readonly int _slots = Math.Max(1, maxPerHost);

    /// <summary>The slots this node's requests hold, by host (lower case); each set is locked while read or changed.</summary>
    private readonly Dictionary<string, HashSet<int>> _held = new(StringComparer.Ordinal);

    public async ValueTask<IAsyncDisposable> AcquireAsync(string host, HostRequest request, CancellationToken cancellationToken)
    {
        var localLease = await local.AcquireAsync(host, request, cancellationToken).ConfigureAwait(false);
        try
        {
            var key = host.ToLowerInvariant();
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var candidates = SlotsInTurn(key, request);
                var slot = await TryTakeSlotAsync(connection, key, candidates, cancellationToken).ConfigureAwait(false)
                    ?? await WaitForSlotAsync(connection, key, candidates[0], cancellationToken).ConfigureAwait(false);
                Hold(key, slot);
                return new Lease(this, connection, key, slot, localLease);
            }
            catch
            {
                // A wait cancelled as the lock was granted may leave it held, which a pool that does not reset its
                // connections would keep: the pool drops this one.
                NpgsqlConnection.ClearPool(connection);
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            await localLease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The host's slots open to the request (a page's: all but the first, unless the host has one) in the order to try
    /// them: from a random one on (wrapping round), those none of this node's requests holds, then the others. The
    /// first is the one to wait on when all are busy: one of another node's when there is one (waiting on this node's
    /// own would wait for this node's next release rather than the cluster's first).
    /// </summary>
    private int[] SlotsInTurn(string host, HostRequest request)
    {
        var first = request == HostRequest.Page && _slots > 1 ? 1 : 0;
        var open = _slots - first;
        var start = Random.Shared.Next(open);
        var slots = new int[open];
        lock (_held)
        {
            var mine = _held.GetValueOrDefault(host);
            int notMine = 0, last = open;
            for (var i = 0; i < open; i++)
            {
                var slot = first + ((start + i) % open);
                slots[mine is not null && mine.Contains(slot) ? --last : notMine++] = slot;
            }
        }

        return slots;
    }

    private void Hold(string host, int slot)
    {
        lock (_held)
        {
            if (!_held.TryGetValue(host, out var mine))
            {
                _held[host] = mine = [];
            }

            mine.Add(slot);
        }
    }

    private void LetGo(string host, int slot)
    {
        lock (_held)
        {
            if (_held.TryGetValue(host, out var mine) && mine.Remove(slot) && mine.Count == 0)
            {
                _held.Remove(host);
            }
        }
    }

    private static async Task<int?> TryTakeSlotAsync(NpgsqlConnection connection, string host, int[] candidates, CancellationToken cancellationToken)
    {
        // One round-trip tries the candidates in their order and stops at the first it gets (no ORDER BY: a sort would
        // try them all first).
        await using var command = new NpgsqlCommand(
            """
            SELECT slot FROM unnest($2::integer[]) AS slot
            WHERE pg_try_advisory_lock(hashtext($1), slot)
            LIMIT 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = host });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = candidates });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int slot ? slot : null;
    }

    /// <summary>
    /// Every slot is busy: queue on one of them (the first in turn: a random one that none of this node's requests
    /// holds, if any). PostgreSQL grants a lock to its waiters in the order they came, so nodes get their turns fairly instead
    /// of the node that just released a slot taking it again.
    /// </summary>
    private static async Task<int> WaitForSlotAsync(NpgsqlConnection connection, string host, int slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext($1), $2)", connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = host });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = slot });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return slot;
    }

    private sealed class Lease(ClusterHostThrottle throttle, NpgsqlConnection connection, string host, int slot, IAsyncDisposable localLease) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext($1), $2)", connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = host });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = slot });
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch
            {
                // A pool that does not reset its connections would keep the slot locked on this one: the pool drops it.
                NpgsqlConnection.ClearPool(connection);
                throw;
            }
            finally
            {
                // Unlocked, or its session closed with the connection: either way no request of this node holds it.
                throttle.LetGo(host, slot);
                await connection.DisposeAsync().ConfigureAwait(false);
                await localLease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
