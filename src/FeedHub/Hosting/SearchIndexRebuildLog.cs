using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Hosting;

/// <summary>
/// Tells the log when the embedded store rebuilds its search index in the background (it was lost, corrupt, written by
/// another version or belongs to another database), and when the rebuild is done: searches are refused meanwhile. An
/// attempt that fails is told by the store, which starts it over.
/// </summary>
public sealed partial class SearchIndexRebuildLog(IFeedStore store, TimeProvider time, ILogger<SearchIndexRebuildLog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not LiteDbFeedStore lite || lite.SearchIndexReady.IsCompleted)
        {
            return;
        }

        LogStarting(logger, lite.SearchIndexState);
        var started = time.GetTimestamp();
        var ready = lite.SearchIndexReady;
        await Task.WhenAny(ready, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
        if (ready.IsCompletedSuccessfully)
        {
            var minutes = time.GetElapsedTime(started).TotalMinutes;
            LogReady(logger, lite.SearchIndexState, minutes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The search index is {State}; searches are refused until it is done, everything else works meanwhile")]
    private static partial void LogStarting(ILogger logger, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "The search index is {State}, after {Minutes:F1} min: searches are answered")]
    private static partial void LogReady(ILogger logger, string state, double minutes);
}
