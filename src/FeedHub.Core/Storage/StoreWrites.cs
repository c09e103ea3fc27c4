using System.Data.Common;

namespace FeedHub.Core.Storage;

/// <summary>
/// Whether the store takes writes: the last write that failed (a full disk, a database that refuses writes) until a
/// later one succeeds. Readiness reports it, and the command line and the poller tell a storage failure apart from
/// a failure of the feed. One per process.
/// </summary>
public sealed class StoreWrites(TimeProvider timeProvider)
{
    private StoreWriteFailure? _failure;

    /// <summary>The failure of the last write, while no write has succeeded since; null when writes succeed.</summary>
    public StoreWriteFailure? Failure => Volatile.Read(ref _failure);

    /// <summary>Records a refused write; <see cref="StoreWriteFailure.Since"/> stays the first of a run of them.</summary>
    public void Failed(Exception failure)
        => Volatile.Write(ref _failure, new StoreWriteFailure(Describe(failure), Failure?.Since ?? timeProvider.GetUtcNow()));

    public void Succeeded() => Volatile.Write(ref _failure, null);

    /// <summary>
    /// Whether an exception thrown by a store call means the store could not do it (its disk, its file, its database
    /// server), rather than a bug: the call can be tried again once the store is back.
    /// </summary>
    public static bool IsStorageFailure(Exception failure) => StorageCause(failure) is not null;

    /// <summary>The failure in one line a curator can act on: <c>storage error: …</c>.</summary>
    public static string Describe(Exception failure)
        => "storage error: " + (StorageCause(failure) ?? failure).Message.ReplaceLineEndings(" ").Trim();

    private static Exception? StorageCause(Exception? failure) => failure switch
    {
        null => null,
        IOException or DbException or UnauthorizedAccessException => failure,
        AggregateException { InnerExceptions.Count: 1 } aggregate => StorageCause(aggregate.InnerExceptions[0]),
        _ => StorageCause(failure.InnerException),
    };
}

/// <summary>The last write the store refused, and since when writes fail.</summary>
public sealed record StoreWriteFailure(string Message, DateTimeOffset Since);
