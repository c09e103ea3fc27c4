using System.Collections.Concurrent;

namespace FeedHub.Core.Fetcher;

/// <summary>Bounds concurrent requests: at most <c>MaxConcurrency</c> in all and <c>MaxPerHost</c> to any one host.</summary>
public interface IHostThrottle
{
    ValueTask<IAsyncDisposable> AcquireAsync(string host, HostRequest request, CancellationToken cancellationToken);
}

/// <summary>What a request to a host is for, as politeness counts it.</summary>
public enum HostRequest
{
    /// <summary>A feed's poll.</summary>
    Feed,

    /// <summary>An article's page, fetched for its text: never in the host's last turn, which is left to its feeds.</summary>
    Page,
}

/// <summary>
/// The in-process throttle, for one FeedHub process. A page counts like a feed: the queue of pages already runs at
/// most <c>MaxPerHost</c> - 1 of a host's pages at a time in the process, which leaves a turn for its feeds.
/// </summary>
public sealed class HostThrottle(int maxConcurrency, int maxPerHost) : IHostThrottle, IDisposable
{
    private readonly SemaphoreSlim _global = new(Math.Max(1, maxConcurrency));
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<IAsyncDisposable> AcquireAsync(string host, HostRequest request, CancellationToken cancellationToken)
    {
        var perHost = _hosts.GetOrAdd(host, _ => new SemaphoreSlim(Math.Max(1, maxPerHost)));
        await perHost.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _global.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            perHost.Release();
            throw;
        }

        return new Lease(_global, perHost);
    }

    public void Dispose()
    {
        _global.Dispose();
        foreach (var semaphore in _hosts.Values)
        {
            semaphore.Dispose();
        }
    }

    private sealed class Lease(SemaphoreSlim global, SemaphoreSlim perHost) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                global.Release();
                perHost.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
