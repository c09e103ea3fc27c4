using FeedHub.Core.Fetcher;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Politeness that holds across a cluster: a host gets at most <c>maxPerHost</c> concurrent requests from all
/// worker nodes together. Each request holds one of the host's slots, a PostgreSQL session advisory lock keyed by
/// the host name and the slot number, for as long as it runs; the node-local throttle still bounds the node's own
/// concurrency. A node that dies releases its slots with its connections.
/// </summary>
public sealed class ClusterHostThrottle(NpgsqlDataSource dataSource, IHostThrottle local, int maxPerHost) : IHostThrottle
{
    public async ValueTask<IAsyncDisposable> AcquireAsync(string host, CancellationToken cancellationToken)
    {
        var localLease = await local.AcquireAsync(host, cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var slot = await TryTakeSlotAsync(connection, host, cancellationToken).ConfigureAwait(false)
                    ?? await WaitForSlotAsync(connection, host, cancellationToken).ConfigureAwait(false);
                return new Lease(connection, host, slot, localLease);
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

    private async Task<int?> TryTakeSlotAsync(NpgsqlConnection connection, string host, CancellationToken cancellationToken)
    {
        // One round-trip tries every slot in turn and keeps the first one it gets.
        await using var command = new NpgsqlCommand(
            """
            SELECT slot FROM generate_series(0, $2 - 1) AS slot
            WHERE pg_try_advisory_lock(hashtext($1), slot)
            LIMIT 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = host.ToLowerInvariant() });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Max(1, maxPerHost) });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int slot ? slot : null;
    }

    /// <summary>
    /// Every slot is busy: queue on one of them. PostgreSQL grants a lock to its waiters in the order they came, so
    /// nodes get their turns fairly instead of the node that just released a slot taking it again.
    /// </summary>
    private async Task<int> WaitForSlotAsync(NpgsqlConnection connection, string host, CancellationToken cancellationToken)
    {
        var slot = Random.Shared.Next(Math.Max(1, maxPerHost));
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext($1), $2)", connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter { Value = host.ToLowerInvariant() });
        command.Parameters.Add(new NpgsqlParameter { Value = slot });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return slot;
    }

    private sealed class Lease(NpgsqlConnection connection, string host, int slot, IAsyncDisposable localLease) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext($1), $2)", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = host.ToLowerInvariant() });
                command.Parameters.Add(new NpgsqlParameter { Value = slot });
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
                await connection.DisposeAsync().ConfigureAwait(false);
                await localLease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
