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
/// held on one connection, and a process that dies lets go of its turns with its connection. A session's locks are
/// re-entrant, so the process's own turns are kept in memory first. A turn given back stays locked on the session for
/// at most <see cref="GiveBackDelay"/>: its unlock goes with the next turn taken (one statement for both, where each
/// poll cost two), or with the turns given back meanwhile once that delay is over, and a turn of this process given
/// back and taken again before then is taken without a statement.
/// </remarks>
/// <param name="postgres">The PostgreSQL connection string on PostgreSQL, for the cluster's turns; null in one process (LiteDB).</param>
/// <param name="timeProvider">The clock <see cref="GiveBackDelay"/> is counted on.</param>
/// <param name="logger">The log.</param>
public sealed partial class PollTurns(string? postgres, TimeProvider timeProvider, ILogger<PollTurns> logger) : IAsyncDisposable
{
    /// <summary>
    /// How long a turn given back may stay locked on the session, waiting to be unlocked with the next turn taken.
    /// Another node that finds it locked meanwhile asks again after <see cref="SourceScheduler"/>'s turn retry (seconds),
    /// so this is kept well under it.
    /// </summary>
    public static readonly TimeSpan GiveBackDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The advisory-lock keys of poll turns: this plus the source id. The single-key space, apart from the
    /// throttle's host slots (two keys); FeedHub's other single keys (migrations, upgrades, the word-pairs index)
    /// spell words in the low bytes and are far below it.
    /// </summary>
    private const long KeySpace = 0x5046_0000_0000_0000; // "PF"

    /// <summary>Unlocks the turns given back (<c>$2</c>), then tries the turn <c>$1</c>: the aggregate ends before the try.</summary>
    private const string TakeSql = "SELECT pg_try_advisory_lock($1) FROM (SELECT count(pg_advisory_unlock(key)) FROM unnest($2::bigint[]) AS key) AS given_back";

    private const string GiveBackSql = "SELECT count(pg_advisory_unlock(key)) FROM unnest($1::bigint[]) AS key";

    private readonly ConcurrentDictionary<long, byte> _here = new();
    private readonly SemaphoreSlim _session = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();

    /// <summary>The turns given back whose lock the session still holds; guarded by <see cref="_lock"/>.</summary>
    private readonly HashSet<long> _givenBack = [];

    /// <summary>Whether an unlock of <see cref="_givenBack"/> is waiting for its delay; guarded by <see cref="_lock"/>.</summary>
    private bool _giveBackWaiting;

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
            if (postgres is not null && !await TakeOnSessionAsync(sourceId, cancellationToken).ConfigureAwait(false))
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
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _session.WaitAsync().ConfigureAwait(false);
        try
        {
            // Closing the session lets go of every turn it still holds, those given back too.
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _session.Release();
        }

        _session.Dispose();
        _stopping.Dispose();
    }

    private async ValueTask<bool> TakeOnSessionAsync(long sourceId, CancellationToken cancellationToken)
    {
        await _session.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long[] givenBack;
            lock (_lock)
            {
                if (_givenBack.Remove(sourceId))
                {
                    // Given back here a moment ago and still locked on the session: this process holds it already.
                    return true;
                }

                givenBack = [.. _givenBack];
                _givenBack.Clear();
            }

            return await RunOnSessionAsync(TakeSql, cancellationToken, new NpgsqlParameter<long> { TypedValue = KeySpace + sourceId }, Keys(givenBack)).ConfigureAwait(false) is true;
        }
        finally
        {
            _session.Release();
        }
    }

    /// <summary>Gives the turn back to this process at once, and to the others with the next turn taken or after <see cref="GiveBackDelay"/>.</summary>
    private void GiveBack(long sourceId)
    {
        var waitFor = false;
        if (postgres is not null)
        {
            lock (_lock)
            {
                _givenBack.Add(sourceId);
                waitFor = !_giveBackWaiting;
                _giveBackWaiting = true;
            }
        }

        // Only now: a take of it here meanwhile finds it in _givenBack, not locked twice on the session.
        _here.TryRemove(sourceId, out _);
        if (waitFor)
        {
            _ = GiveBackLaterAsync();
        }
    }

    /// <summary>Unlocks the turns given back that no take has unlocked within <see cref="GiveBackDelay"/>.</summary>
    private async Task GiveBackLaterAsync()
    {
        try
        {
            await Task.Delay(GiveBackDelay, timeProvider, _stopping.Token).ConfigureAwait(false);
            lock (_lock)
            {
                // Turns given back from now on wait for an unlock of their own.
                _giveBackWaiting = false;
            }

            await _session.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                long[] givenBack;
                lock (_lock)
                {
                    givenBack = [.. _givenBack];
                    _givenBack.Clear();
                }

                if (givenBack.Length > 0)
                {
                    await RunOnSessionAsync(GiveBackSql, _stopping.Token, Keys(givenBack)).ConfigureAwait(false);
                }
            }
            finally
            {
                _session.Release();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException && _stopping.IsCancellationRequested)
        {
            // Stopping: closing the session lets go of them.
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection is dropped with it (RunOnSessionAsync), and its session's locks with it.
            LogGiveBackFailed(logger, exception);
        }
    }

    private static NpgsqlParameter<long[]> Keys(long[] sourceIds) => new() { TypedValue = [.. sourceIds.Select(id => KeySpace + id)] };

    /// <summary>
    /// Runs a lock statement on the process's session, opened when first needed and again after a failure; the caller
    /// holds <see cref="_session"/>.
    /// </summary>
    private async ValueTask<object?> RunOnSessionAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
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
            command.Parameters.AddRange(parameters);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Whatever the session held is in doubt: it goes, and PostgreSQL lets go of its locks, those given back too.
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
            lock (_lock)
            {
                _givenBack.Clear();
            }

            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll turns given back could not be unlocked; the connection that held them was closed, which gives them back")]
    private static partial void LogGiveBackFailed(ILogger logger, Exception exception);

    private sealed class Turn(PollTurns turns, long sourceId) : IAsyncDisposable
    {
        private int _given;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _given, 1) == 0)
            {
                turns.GiveBack(sourceId);
            }

            return ValueTask.CompletedTask;
        }
    }
}
