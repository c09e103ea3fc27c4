using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FeedHub.Core.Polling;

/// <summary>
/// Saves the fetch state of quiet polls many at a time: a quiet poll is answered 304 after a successful one and changes
/// nothing a reader or the schedule goes by but counters, times and the next poll (no validator, error, redirect or
/// health), which is nearly every poll of a server whose feeds have not changed. Each was a store transaction of its own
/// (on LiteDB a commit under the write lock, on PostgreSQL a round-trip and a commit); they are now written together
/// within <see cref="Delay"/>, in one transaction per batch, and when the process stops (<see cref="FlushAsync"/>,
/// disposal). Until then the next poll of the source starts from its quiet state (<see cref="StateOf"/>), not the
/// store's. A crash loses at most the last <see cref="Delay"/> of quiet states: the store still holds the poll before
/// each, so the next poll repeats a conditional GET (with the validators before, which a 304 seldom changes: then the
/// server may send the feed whole, whose articles are known). One per process.
/// </summary>
public sealed partial class QuietPollSaves(IFeedStore store, StoreWrites storeWrites, TimeProvider timeProvider, ILogger<QuietPollSaves> logger)
    : IAsyncDisposable, IDisposable
{
    /// <summary>How long a quiet poll's state waits for others before it is written.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    /// <summary>The most polls one transaction writes.</summary>
    private const int BatchSize = 1000;

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _writeTurn = new(1, 1);
    private Dictionary<long, PollResult> _pending = [];
    private Dictionary<long, PollResult> _writing = [];
    private bool _waiting;

    /// <summary>Queues a quiet poll's result (its fetch state a copy of its own); a later one of the source replaces it.</summary>
    public void Add(PollResult poll)
    {
        lock (_lock)
        {
            _pending[poll.SourceId] = poll;
            if (_waiting)
            {
                return;
            }

            _waiting = true;
        }

        _ = WriteLaterAsync();
    }

    /// <summary>
    /// The fetch state of the source's last quiet poll, as a copy to poll from, while it is later than the one
    /// <paramref name="source"/> was read with (counts more polls); null when the store has the latest.
    /// </summary>
    public FetchState? StateOf(Source source)
    {
        lock (_lock)
        {
            var poll = _pending.GetValueOrDefault(source.Id) ?? _writing.GetValueOrDefault(source.Id);
            return poll is { Fetch: { } fetch } && poll.IsAbout(source) && fetch.PollCount > source.Fetch.PollCount ? fetch.Copy() : null;
        }
    }

    /// <summary>Writes every quiet poll queued so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WritePendingAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    public async ValueTask DisposeAsync() => await FlushAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>For hosts disposed synchronously (the command line's): the flush is waited for.</summary>
    public void Dispose() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    private async Task WriteLaterAsync()
    {
        await Task.Delay(Delay, timeProvider).ConfigureAwait(false);
        lock (_lock)
        {
            // Polls queued from now on wait for a write of their own.
            _waiting = false;
        }

        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>In the write turn: the polls queued go to the store, readable through <see cref="StateOf"/> until they are in.</summary>
    private async Task WritePendingAsync()
    {
        lock (_lock)
        {
            (_writing, _pending) = (_pending, []);
        }

        try
        {
            foreach (var batch in _writing.Values.Chunk(BatchSize))
            {
                try
                {
                    await store.SaveFetchStatesAsync(batch, CancellationToken.None).ConfigureAwait(false);
                    storeWrites.Succeeded();
                }
                catch (Exception failure)
                {
                    // Written in the background, so told here: those sources keep their previous poll's state, and
                    // their next polls repeat a conditional GET.
                    if (StoreWrites.IsStorageFailure(failure))
                    {
                        storeWrites.Failed(failure);
                    }

                    LogNotSaved(logger, batch.Length, failure);
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _writing = [];
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The fetch state of {Count} polls answered 304 could not be saved; those sources are polled again as before them")]
    private static partial void LogNotSaved(ILogger logger, int count, Exception exception);
}
