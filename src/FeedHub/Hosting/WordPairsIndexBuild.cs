using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Hosting;

/// <summary>
/// Builds the PostgreSQL store's word-pairs search index after start-up, without holding writes (at a million articles
/// it takes most of an hour); phrases are answered from the words index meanwhile. Every node runs it: one builds,
/// the others wait for it and switch to the index when it is valid. Stopping the process cancels the build, and the
/// next start builds it again.
/// </summary>
public sealed partial class WordPairsIndexBuild(IFeedStore store, TimeProvider time, ILogger<WordPairsIndexBuild> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not PostgresFeedStore postgres || postgres.UsesWordPairsIndex)
        {
            return;
        }

        LogStarting(logger);
        var started = time.GetTimestamp();
        try
        {
            var built = await postgres.BuildWordPairsIndexAsync(stoppingToken).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            LogReady(logger, built ? "built by this process" : "built by another process", elapsed.TotalMinutes);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogStopped(logger);
        }
        catch (NpgsqlException failure)
        {
            LogFailed(logger, failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The word-pairs search index is not built yet: building it in the background, without holding writes; phrases are searched with the words index meanwhile (slower, same results)")]
    private static partial void LogStarting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The word-pairs search index is ready ({How}, after {Minutes:F1} min): phrases now use it")]
    private static partial void LogReady(ILogger logger, string how, double minutes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: the word-pairs search index build was cancelled; the next start builds it again")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The word-pairs search index could not be built; phrases go on with the words index, and the next start tries again")]
    private static partial void LogFailed(ILogger logger, Exception failure);
}
