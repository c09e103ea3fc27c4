namespace FeedHub.Core.Polling;

/// <summary>
/// Bounds how many polls read, ingest and store their feed at once: a few per core. Fetches are many at a time (they
/// wait on the network), but what follows a fetch is CPU and store work; run by hundreds of polls together it only
/// queues on the store's write lock, holding thread-pool threads while the other fetches' responses wait for one (at
/// 256 in flight half of the feeds then failed as "no answer within 20 s"). A poll waits for its turn here without a
/// thread, after its fetch has ended and given back its fetch slot, so the fetch timeout covers the network only.
/// One per process.
/// </summary>
public sealed class IngestGate : IDisposable
{
    private readonly SemaphoreSlim _turns;

    public IngestGate()
        : this(2 * Environment.ProcessorCount)
    {
    }

    public IngestGate(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _turns = new SemaphoreSlim(width, width);
    }

    /// <summary>Waits for a turn; disposing the result ends it.</summary>
    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_turns);
    }

    public void Dispose() => _turns.Dispose();

    /// <summary>One poll's turn at ingesting.</summary>
    public readonly struct Turn(SemaphoreSlim turns) : IDisposable
    {
        public void Dispose() => turns.Release();
    }
}
