namespace FeedHub.Core.Polling;

/// <summary>Tells the poller about curator changes: poll a source at a time (now for "refresh"), or stop polling it.</summary>
public interface IPollScheduler
{
    Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken);

    Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken);
}
