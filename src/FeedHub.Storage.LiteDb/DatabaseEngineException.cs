using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// A failure of LiteDB's engine rather than of the call that met it: the engine closed or closing under the call (on
/// another call's failure, or the store's), its locks not given within their timeout, the file not opened again. The
/// store could not do the call, which can be tried again; an <see cref="IOException"/>, as the store's other failures
/// are, so that one classifier (<c>StoreWrites</c>) tells it from a bug for the web (503), the poller (a storage error
/// and a backoff), the command line and readiness. A call's own failures (a key already taken, a bad argument) stay
/// as LiteDB threw them. A failed check of the engine's own ("invalid datafile state") closes the engine, which is
/// replaced, and is told as the <see cref="TransactionDroppedException"/> of the calls it ended.
/// </summary>
internal sealed class DatabaseEngineException : IOException
{
    private DatabaseEngineException(string message, Exception inner, bool engineClosed)
        : base(message, inner)
        => EngineClosed = engineClosed;

    /// <summary>Whether the engine was closed under the call: nothing of its transaction is kept, and it can be done again on the engine opened since.</summary>
    public bool EngineClosed { get; }

    /// <summary>The file could not be opened again after the engine was replaced.</summary>
    public static DatabaseEngineException NotReopened(Exception failure)
        => new($"the database could not be opened again ({Line(failure)})", failure, engineClosed: true);

    /// <summary>The engine's failure as the store's, or null for a failure of the call's own.</summary>
    public static DatabaseEngineException? Of(Exception failure) => failure switch
    {
        // The engine closed (LiteDB on another call's failure, the store replacing it, or closing): what the closing
        // pulled from under this call (a file, a lock, a transaction: LiteDB 5.0.21's), or the engine refusing calls since.
        ObjectDisposedException or LockRecursionException or LiteException { ErrorCode: LiteException.ENGINE_DISPOSED }
            => new($"the database was closed under this call ({Line(failure)}); it is opened again, and this can be tried again", failure, engineClosed: true),
        LiteException { ErrorCode: LiteException.LOCK_TIMEOUT } timeout => Busy(timeout),
        _ => null,
    };

    /// <summary>A lock of the engine's, or of the wrapper's taken as LiteDB takes it, not given within its timeout.</summary>
    public static DatabaseEngineException Busy(LiteException timeout)
        => new($"the database was too busy ({Line(timeout)}); this can be tried again", timeout, engineClosed: false);

    private static string Line(Exception failure) => failure.Message.ReplaceLineEndings(" ").Trim();
}
