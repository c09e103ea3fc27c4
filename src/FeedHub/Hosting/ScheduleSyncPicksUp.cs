using FeedHub.Core.Polling;

namespace FeedHub.Hosting;

/// <summary>
/// The poll scheduler of processes without the worker role (the command line, web-only nodes): the worker's
/// minute-by-minute schedule synchronisation picks new and resumed sources up from the store.
/// </summary>
public sealed class ScheduleSyncPicksUp : IPollScheduler
{
    public Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
