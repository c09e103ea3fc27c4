using FeedHub.Core.Polling;

namespace FeedHub.Cli;

/// <summary>
/// The poll queue of a command on LiteDB: none to write to. There the queue lives in the memory of the server that
/// polls, and the file belongs to one process at a time, so no server runs beside the command; the one that opens the
/// file next fills its queue from the store when it starts (<see cref="Worker.ScheduleSyncJob"/>). What a command
/// changes (a source added, removed, polled) is in the store, which is all that counts. A scheduler of its own, never
/// started, cost the command its set-up and a trigger built and kept for every source polled, all dropped at its exit.
/// </summary>
internal sealed class NoPollQueue : IPollScheduler
{
    public Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ScheduleAsync(IReadOnlyCollection<DuePoll> polls, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
