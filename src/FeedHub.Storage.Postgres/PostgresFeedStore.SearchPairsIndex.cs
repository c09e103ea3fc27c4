using System.Data;
using System.Globalization;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// The word-pairs GIN index (<c>articles_search_pairs</c>, over <c>feedhub_search_pairs</c> of migration 0015) is built
/// apart from the migrations, with <c>CREATE INDEX CONCURRENTLY</c>: at a million articles it takes over half an hour,
/// which a blocking build would hold every write for. Until it is valid, phrases are answered from the words index
/// (the same matches, more candidates checked); a store learns that it became valid from its own build or from the
/// process that built it, never by asking on each search.
/// </summary>
public sealed partial class PostgresFeedStore
{
    private const string PairsIndexName = "articles_search_pairs";

    /// <summary>Held (session advisory lock) by the one process that builds the index; differs from the migrations' lock.</summary>
    internal const long PairsIndexLockKey = 0x46656564506169; // "FeedPai"

    /// <summary>Notified when the index becomes valid, so processes waiting on another's build switch to it at once.</summary>
    internal const string PairsIndexChannel = "feedhub_search_pairs_built";

    /// <summary>
    /// How long a process waits on another's build before it looks again: a builder that died notifies no one, and its
    /// invalid leftover must then be rebuilt by someone.
    /// </summary>
    private static readonly TimeSpan PairsIndexLookAgain = TimeSpan.FromMinutes(1);

    /// <summary>Checked by every phrase search: an expression index that is not valid would be computed row by row.</summary>
    private volatile bool _pairsIndexValid;

    /// <summary>Whether phrases are asked of the word-pairs index (it is valid), or of the words index until it is built.</summary>
    public bool UsesWordPairsIndex => _pairsIndexValid;

    /// <summary>
    /// Makes sure the word-pairs index exists and is valid, building it without holding writes when it is not; returns
    /// true when this call built it. Safe when several processes call it at once: one builds (an advisory lock), the
    /// others wait for it to be notified (or look again every minute, should it die). An invalid index, left by a
    /// build that crashed or was cancelled, is dropped and built again. Cancelling stops the build; the invalid index it
    /// leaves is rebuilt by the next call.
    /// </summary>
    public async Task<bool> BuildWordPairsIndexAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Listening before the first look: a build that ends after the look is then still heard of.
        await ExecuteWithoutTimeLimitAsync(connection, $"LISTEN {PairsIndexChannel}", cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (await PairsIndexValidityAsync(connection, cancellationToken).ConfigureAwait(false) == true)
            {
                _pairsIndexValid = true;
                return false;
            }

            if (await TryLockPairsIndexAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    return await BuildPairsIndexHoldingLockAsync(connection, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // A connection lost with the build lost its session, and the lock with it.
                    if (connection.State == ConnectionState.Open)
                    {
                        await ExecuteWithoutTimeLimitAsync(connection, $"SELECT pg_advisory_unlock({PairsIndexLockKey})", CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }

            // Waiting outside any transaction: a concurrent build waits for every snapshot older than its own to end.
            await connection.WaitAsync(PairsIndexLookAgain, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the word-pairs index is doing, for whoever looks after the database: valid, missing, or being built (by any
    /// process) with the phase and how far it got.
    /// </summary>
    public async Task<string> DescribeWordPairsIndexAsync(CancellationToken cancellationToken)
    {
        var index = await ReadPairsIndexCatalogueAsync(cancellationToken).ConfigureAwait(false);
        if (index.BuildPhase is { } phase)
        {
            var progress = index.BlocksTotal > 0
                ? string.Create(CultureInfo.InvariantCulture, $", {index.BlocksDone:N0} of {index.BlocksTotal:N0} blocks")
                : index.TuplesTotal > 0 ? string.Create(CultureInfo.InvariantCulture, $", {index.TuplesDone:N0} of {index.TuplesTotal:N0} rows") : "";
            return $"building: {phase}{progress}";
        }

        return index.Valid switch
        {
            null => "not built",
            true => "valid",
            false => "invalid (a build that did not finish; rebuilt at the next start)",
        };
    }

    /// <summary>The word-pairs index as PostgreSQL's catalogue sees it, with the build under way in any process.</summary>
    private async Task<PairsIndexCatalogue> ReadPairsIndexCatalogueAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT i.indisvalid, p.phase, a.query_start, p.blocks_done, p.blocks_total, p.tuples_done, p.tuples_total
            FROM (SELECT to_regclass('{PairsIndexName}') AS oid) AS r
            LEFT JOIN pg_index AS i ON i.indexrelid = r.oid
            LEFT JOIN pg_stat_progress_create_index AS p ON p.index_relid = r.oid AND p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
            LEFT JOIN pg_stat_activity AS a ON a.pid = p.pid
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        long Count(int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);
        return new PairsIndexCatalogue(
            reader.IsDBNull(0) ? null : reader.GetBoolean(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            Count(3), Count(4), Count(5), Count(6));
    }

    /// <param name="Valid">Null when there is no such index.</param>
    /// <param name="BuildPhase">The phase of a build under way, null when none is.</param>
    /// <param name="BuildStart">When the build's statement began.</param>
    private sealed record PairsIndexCatalogue(bool? Valid, string? BuildPhase, DateTimeOffset? BuildStart, long BlocksDone, long BlocksTotal, long TuplesDone, long TuplesTotal);

    /// <summary>Whether the index is valid (true), left invalid (false) or missing (null).</summary>
    private static async Task<bool?> PairsIndexValidityAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('{PairsIndexName}')", connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is bool valid ? valid : null;
    }

    private async Task RefreshPairsIndexValidityAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _pairsIndexValid = await PairsIndexValidityAsync(connection, cancellationToken).ConfigureAwait(false) == true;
    }

    private static async Task<bool> TryLockPairsIndexAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({PairsIndexLockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<bool> BuildPairsIndexHoldingLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Built by another process between the first look and the lock.
        var validity = await PairsIndexValidityAsync(connection, cancellationToken).ConfigureAwait(false);
        if (validity == true)
        {
            _pairsIndexValid = true;
            return false;
        }

        if (validity == false)
        {
            // Only the lock's holder builds, so an invalid index seen while holding it is a leftover. Writes keep even an
            // invalid index up to date, which is also why it must not stay.
            await ExecuteWithoutTimeLimitAsync(connection, $"DROP INDEX CONCURRENTLY IF EXISTS {PairsIndexName}", cancellationToken).ConfigureAwait(false);
        }

        await ExecuteWithoutTimeLimitAsync(connection, "SET maintenance_work_mem = '256MB'", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteWithoutTimeLimitAsync(connection,
                $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {PairsIndexName} ON articles USING gin (feedhub_search_pairs(search_document, search_config))",
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (connection.State == ConnectionState.Open)
            {
                await ExecuteWithoutTimeLimitAsync(connection, "RESET maintenance_work_mem", CancellationToken.None).ConfigureAwait(false);
            }
        }

        _pairsIndexValid = true;
        await ExecuteWithoutTimeLimitAsync(connection, $"NOTIFY {PairsIndexChannel}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs a statement without a time limit: a concurrent build at a million articles takes most of an hour.</summary>
    private static async Task ExecuteWithoutTimeLimitAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
