namespace FeedHub.Core.Polling;

/// <summary>
/// Puts curator changes in the queue the workers take polls from: poll a source at a time (now for "refresh"), or
/// stop polling it. The store's <see cref="Model.FetchState.NextPollAt"/> says when a source is due; callers save it
/// first and then tell the scheduler the same time.
/// </summary>
public interface IPollScheduler
{
    /// <summary>Polls a source at <paramref name="at"/>, or as soon as a worker is free when that is past.</summary>
    Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Queues many polls in one go (an import): every worker sees them before they fall due, so they share them from the start.</summary>
    Task ScheduleAsync(IReadOnlyCollection<DuePoll> polls, CancellationToken cancellationToken);

    Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken);
}

/// <summary>A source and when it is due.</summary>
public readonly record struct DuePoll(long SourceId, DateTimeOffset At);
