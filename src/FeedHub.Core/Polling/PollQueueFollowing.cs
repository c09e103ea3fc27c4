using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Polling;

/// <summary>
/// Makes the queue hold a source's poll exactly when the store holds the source active, after a change of its state (a
/// pause, a resume, a refresh, a removal, a poll that found it paused or gone).
/// </summary>
/// <remarks>
/// A change is stored, atomically, and then queued: two steps, so two changes of one source at once (two curators, a
/// bulk pause during a resume, a removal during a refresh, on one node or two) can reach the queue in the other order
/// than the store, which left an active source that was never polled again, or a paused one still queued. So the queue
/// is made to follow the state as it is stored when the queue is written, read again after that write until it is the
/// same on both sides of it. The last queue write of all then follows the final state: a change stored after it would
/// have a queue write of its own after it, and one stored between the two reads would show in the second.
/// </remarks>
public static class PollQueueFollowing
{
    /// <summary>
    /// Queues the source's poll at <paramref name="at"/> (null: its stored next poll time) while the store holds it
    /// active, else takes it out of the queue (paused, retired, removed), until the state read before the queue write
    /// and after it agree.
    /// </summary>
    public static async Task FollowStoreAsync(this IPollScheduler scheduler, IFeedStore store, long sourceId, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (source is { State: SourceState.Active })
            {
                // A time in the past (none stored) means as soon as a worker is free.
                await scheduler.ScheduleAsync(sourceId, at ?? source.Fetch.NextPollAt ?? DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await scheduler.UnscheduleAsync(sourceId, cancellationToken).ConfigureAwait(false);
            }

            var after = await store.GetSourceAsync(sourceId, cancellationToken).ConfigureAwait(false);
            if (after?.State == source?.State)
            {
                return;
            }

            // Another change came between: the queue follows it, at the time it stored.
            (source, at) = (after, null);
        }
    }
}
