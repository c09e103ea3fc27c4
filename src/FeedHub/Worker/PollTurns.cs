using System.Collections.Concurrent;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Worker;

/// <summary>
/// A source's turn to be polled: one poll of a source at a time, in this process and, on PostgreSQL, on every node of
/// the cluster. A poll job takes the turn before it polls and gives it back when it is done. A firing that finds the
/// turn taken (a refresh or a repair of the queue asked for while the source was being polled, or a repeat that came
/// round during a long poll) polls nothing and queues the poll again a moment later, so what it was fired for still
/// happens, after the poll that holds the turn.
/// </summary>
/// <remarks>
/// Quartz's <c>[DisallowConcurrentExecution]</c> says the same from its job store, but on PostgreSQL it costs every
/// poll: the fire blocks all the job's triggers and reads the paused groups, the end takes the cluster's
/// TRIGGER_ACCESS lock to unblock them, and that end wakes every node's scheduler, which gives back the trigger it had
/// taken for its next poll and takes it again. Quartz's overlap policies do not cover a trigger replaced while its
/// firing runs, which is what a refresh does. On PostgreSQL a turn is a session advisory lock, all of a process's
/// held on one connection: two statements a poll, and a process that dies lets go of its turns with its connection.
/// A session's locks are re-entrant, so the process's own turns are kept in memory first.
/// </remarks>
/// <param name="postgres">The PostgreSQL connection string on PostgreSQL, for the cluster's turns; null in one process (LiteDB).</param>
/// <param name="logger">The log.</param>
public sealed partial class PollTurns(string? postgres, ILogger<PollTurns> logger) : IAsyncDisposable
{
    /// <summary>
    /// The advisory-lock keys of poll turns: this plus the source id. The single-key space, apart from the
    /// throttle's host slots (two keys); FeedHub's other single keys (migrations, upgrades, the word-pairs index)
    /// spell words in the low bytes and are far below it.
    /// </summary>
    private const long KeySpace = 0x5046_0000_0000_0000; // "PF"

    private readonly ConcurrentDictionary<long, byte> _here = new();
    private readonly SemaphoreSlim _session = new(1, 1);
    private NpgsqlConnection? _connection;

    /// <summary>The source's turn, or null while another poll of it runs (here or, on PostgreSQL, on another node).</summary>
    public async ValueTask<IAsyncDisposable?> TryTakeAsync(long sourceId, CancellationToken cancellationToken)
    {
        if (!_here.TryAdd(sourceId, 0))
        {
            return null;
        }

        try
        {
            if (postgres is not null && !await LockAsync("SELECT pg_try_advisory_lock($1)", sourceId, cancellationToken).ConfigureAwait(false))
            {
                _here.TryRemove(sourceId, out _);
                return null;
            }
        }
        catch
        {
            _here.TryRemove(sourceId, out _);
            throw;
        }

        return new Turn(this, sourceId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _session.Dispose();
    }

    private async ValueTask GiveBackAsync(long sourceId)
    {
        try
        {
            if (postgres is not null)
            {
                await LockAsync("SELECT pg_advisory_unlock($1)", sourceId, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection is dropped with it (LockAsync), and its session's locks with it.
            LogGiveBackFailed(logger, sourceId, exception);
        }
        finally
        {
            _here.TryRemove(sourceId, out _);
        }
    }

    /// <summary>Runs a lock function on the process's session, opened when first needed and again after a failure.</summary>
    private async ValueTask<bool> LockAsync(string sql, long sourceId, CancellationToken cancellationToken)
    {
        await _session.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                var connection = new NpgsqlConnection(RepeatedStatements.ConnectionString(postgres!));
                try
                {
                    await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                _connection = connection;
            }

            try
            {
                await using var command = new NpgsqlCommand(sql, _connection);
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = KeySpace + sourceId });
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
            }
            catch
            {
                // Whatever the session held is in doubt: it goes, and PostgreSQL lets go of its locks.
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
                throw;
            }
        }
        finally
        {
            _session.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The poll turn of source {SourceId} could not be given back; the connection that held it was closed, which gives it back")]
    private static partial void LogGiveBackFailed(ILogger logger, long sourceId, Exception exception);

    private sealed class Turn(PollTurns turns, long sourceId) : IAsyncDisposable
    {
        private int _given;

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _given, 1) == 0 ? turns.GiveBackAsync(sourceId) : ValueTask.CompletedTask;
    }
}
