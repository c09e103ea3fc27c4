using System.Collections.Concurrent;

namespace FeedHub.Core.Fetcher;

/// <summary>Bounds concurrent requests: at most <c>MaxConcurrency</c> in all and <c>MaxPerHost</c> to any one host.</summary>
public interface IHostThrottle
{
    ValueTask<IAsyncDisposable> AcquireAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The in-process throttle, for one FeedHub process.</summary>
public sealed class HostThrottle(int maxConcurrency, int maxPerHost) : IHostThrottle, IDisposable
{
    private readonly SemaphoreSlim _global = new(Math.Max(1, maxConcurrency));
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<IAsyncDisposable> AcquireAsync(string host, CancellationToken cancellationToken)
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
