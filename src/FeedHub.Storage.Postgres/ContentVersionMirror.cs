using System.Globalization;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// The rows of <c>content_versions</c> held in memory, so that a warm page's version costs no round trip (issue 15).
/// One connection of its own (not the store's pool) listens on the channel where every commit that moves versions
/// announces its store version (migration 0022), and then reads the rows moved after the last store version it saw.
/// </summary>
/// <remarks>
/// The memory is only ever what the database showed, so a version read from it never names content a page could not
/// show yet. It is trusted only from the first read after the listener (re)connects until the connection is lost;
/// meanwhile readers ask the database, as without it. It trails by a notification's trip (a few seconds at most when
/// one is lost: see <see cref="ReadAtLeastEvery"/>), except for this store's own writes: the first reader after one
/// reads the rows moved since (read-your-writes). Just after the listener connects again, a version may read lower than
/// the database gave a moment before, for a notification's trip: a page kept meanwhile is only rendered once more.
/// </remarks>
internal sealed class ContentVersionMirror : IAsyncDisposable, IDisposable
{
    public const string Channel = "content_versions";

    /// <summary>The rows moved after store version <c>@seen</c>, and the store version they are all of (one snapshot).</summary>
    private const string MovedSinceSql = "SELECT s.value, v.scope, v.version FROM store_version s LEFT JOIN content_versions v ON v.moved_at > @seen";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the listener waits for an announcement before it reads what moved anyway: a lost announcement (behind
    /// a pooler that does not keep a session's LISTEN, say) then costs this much delay at most, never a change missed
    /// for good, and the read checks the connection (a lost one fails it within the command timeout).
    /// </summary>
    private static readonly TimeSpan ReadAtLeastEvery = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _listening;
    private readonly NpgsqlDataSource _queries;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();

    /// <summary>Scope to version, as read; a scope without a row has version 0. Guarded by <see cref="_lock"/>.</summary>
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    /// <summary>Every move of a commit with this store version or a lower one is in <see cref="_versions"/> (-1: none read yet). Guarded by <see cref="_lock"/>.</summary>
    private long _seen = -1;

    /// <summary>The highest store version announced to the listener.</summary>
    private long _announced = -1;

    private volatile bool _live;

    /// <summary>Writes this store committed, and how many of them the memory has read (read-your-writes).</summary>
    private long _ownWrites;

    private long _ownWritesSeen;

    private Task? _run;
    private bool _disposed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ContentVersionMirror(string connectionString, NpgsqlDataSource queries, TimeProvider timeProvider)
    {
        _listening = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Multiplexing = false }.ConnectionString);
        _queries = queries;
        _timeProvider = timeProvider;
    }

    /// <summary>Whether the listener is connected and the memory was read since.</summary>
    public bool IsLive => _live;

    /// <summary>The store version up to which the memory holds every move.</summary>
    public long Seen
    {
        get
        {
            lock (_lock)
            {
                return _seen;
            }
        }
    }

    /// <summary>The listening connection's backend process, while it is connected.</summary>
    public int? ListenerProcessId { get; private set; }

    /// <summary>
    /// Counts a write of this store that committed and may have moved versions: the store calls it after each write of
    /// articles or sources (one it misses is only seen a notification later).
    /// </summary>
    public void Wrote() => Interlocked.Increment(ref _ownWrites);

    /// <summary>
    /// Whether the memory may be read now (see <see cref="Sum"/>, <see cref="Versions"/>): the listener follows, and this
    /// store's last writes were read, here if not yet. The first call starts the listener (a command-line run that reads
    /// no version opens no such connection); false until it has read the versions.
    /// </summary>
    public async ValueTask<bool> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_run is null)
        {
            Start();
        }

        if (!_live)
        {
            return false;
        }

        if (Interlocked.Read(ref _ownWrites) != Interlocked.Read(ref _ownWritesSeen))
        {
            await using var connection = await _queries.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await ReadMovedAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The sum of the versions of <paramref name="keys"/> (each counted once), as <c>GetContentVersionAsync</c> adds them.</summary>
    public long Sum(IEnumerable<string> keys)
    {
        var distinct = keys as ISet<string> ?? new HashSet<string>(keys, StringComparer.Ordinal);
        long sum = 0;
        lock (_lock)
        {
            foreach (var key in distinct)
            {
                sum += _versions.GetValueOrDefault(key);
            }
        }

        return sum;
    }

    /// <summary>The versions of <paramref name="keys"/>, in their order, read together.</summary>
    public long[] Versions(IReadOnlyList<string> keys)
    {
        var versions = new long[keys.Count];
        lock (_lock)
        {
            for (var i = 0; i < versions.Length; i++)
            {
                versions[i] = _versions.GetValueOrDefault(keys[i]);
            }
        }

        return versions;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking it each time the memory or the listener changes.</summary>
    public async Task WaitUntilAsync(Func<ContentVersionMirror, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _changed);
            if (condition(this))
            {
                return;
            }

            await changed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Start()
    {
        lock (_lock)
        {
            if (_run is null && !_disposed)
            {
                _run = Task.Run(() => ListenAsync(_stop.Token));
            }
        }
    }

    /// <summary>Listens, reading what moved whenever a commit is announced; after a lost connection, again after a pause.</summary>
    private async Task ListenAsync(CancellationToken stop)
    {
        var retry = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listening.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var announced))
                    {
                        AtomicMaximum.Raise(ref _announced, announced);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                // Listening first: a commit after this read is announced, one before it is in it.
                await ReadMovedAsync(connection, stop).ConfigureAwait(false);
                ListenerProcessId = connection.ProcessID;
                _live = true;
                Pulse();
                retry = FirstRetry;
                var heard = true;
                while (true)
                {
                    if (!heard || Interlocked.Read(ref _announced) > Seen)
                    {
                        // An announcement that comes during the read is taken in as it ends, not by the next wait:
                        // read again for it, as its commit may be later than the read's snapshot.
                        long announced;
                        do
                        {
                            announced = Interlocked.Read(ref _announced);
                            await ReadMovedAsync(connection, stop).ConfigureAwait(false);
                        }
                        while (Interlocked.Read(ref _announced) > Math.Max(announced, Seen));
                    }

                    heard = await connection.WaitAsync(ReadAtLeastEvery, stop).ConfigureAwait(false);
                }
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // Announcements may be missed from now on: readers ask the database until the next connection's read.
                _live = false;
                ListenerProcessId = null;
                var pause = Task.Delay(retry, _timeProvider, stop);
                retry = retry * 2 < LastRetry ? retry * 2 : LastRetry;
                Pulse();
                try
                {
                    await pause.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                break;
            }
        }

        _live = false;
        ListenerProcessId = null;
        Pulse();
    }

    /// <summary>
    /// Reads the rows moved after the store version seen, and keeps for each scope the higher of its version in memory
    /// and the one read: reads that overlap (the listener's, a reader's after its own write) each move it only forward.
    /// </summary>
    private async Task ReadMovedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Counted before the read: the writes counted so far committed before it, so it sees them.
        var ownWrites = Interlocked.Read(ref _ownWrites);
        await using var command = new NpgsqlCommand(MovedSinceSql, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("seen", Seen));
        long storeVersion = -1;
        var moved = new List<(string Scope, long Version)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                storeVersion = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    moved.Add((reader.GetString(1), reader.GetInt64(2)));
                }
            }
        }

        lock (_lock)
        {
            foreach (var (scope, version) in moved)
            {
                if (_versions.GetValueOrDefault(scope) < version)
                {
                    _versions[scope] = version;
                }
            }

            _seen = Math.Max(_seen, storeVersion);
        }

        AtomicMaximum.Raise(ref _ownWritesSeen, ownWrites);
        Pulse();
    }

    private void Pulse() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_lock)
        {
            _disposed = true;
            run = _run;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        await _listening.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    public void Dispose()
    {
        Task? run;
        lock (_lock)
        {
            _disposed = true;
            run = _run;
        }

        _stop.Cancel();
        run?.GetAwaiter().GetResult();
        _listening.Dispose();
        _stop.Dispose();
    }
}
