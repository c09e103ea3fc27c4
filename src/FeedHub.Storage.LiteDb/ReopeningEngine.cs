using System.Collections.Concurrent;
using LiteDB;
using LiteDB.Engine;
using Microsoft.Extensions.Logging;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// The LiteDB engine, reopened after a write the disk refused or after the engine found its own state broken. LiteDB 5
/// cannot carry on after an I/O error inside a transaction (a full disk): its rollback fails, the collection's write
/// lock stays taken, and a later write that does succeed may sit behind the broken transaction in the log and be lost
/// on the next opening. Closing the file and opening it again replays the log up to its last commit, so the engine
/// behind the collections is replaced at the first such error: the failed write is reported (as the
/// <see cref="IOException"/> it was) and later writes go to a clean engine, which succeed once there is room again.
/// An engine that found its state inconsistent (an internal check failed: LiteDB's "invalid datafile state") has
/// closed itself already, and would answer every later call, read or write, with that error until the process ends:
/// that engine is replaced at once, whichever call meets it. Each replacement is logged with its cause. The transactions
/// the closed engine still has are kept from LiteDB's finalizer, which would end the process (<see cref="ClosedEngines"/>).
/// LiteDB closes an engine itself on either failure, in whichever call meets it, under every operation other threads
/// have under way on it. What those meet then varies (5.0.21, measured): the same failure, at a call or while a result
/// is read; what the closing pulled from under them ("This transaction are invalid state", "share counter must be > 0
/// in Release()", a closed file); and a query begun later takes its transaction before it checks the engine, so it
/// meets a <see cref="LockRecursionException"/> or, once 100 of them leaked theirs, "Maximum number of transactions
/// reached". Whether an engine closed is therefore asked of the engine, not read from the failure. A write under way
/// fails (its caller tries it again: a poll's next poll); a read of the store's is done again, once, on the engine
/// opened since (<see cref="Read{T}"/>), so a reader never sees the replacement. What a call meets of the engine's
/// failure (the check, the closing, a lock not given) reaches the store's callers as a storage failure, an
/// <see cref="IOException"/> like the disk's refusal (<see cref="TransactionDroppedException"/>,
/// <see cref="DatabaseEngineException"/>), rather than as LiteDB's exceptions, which they would take for a bug; only
/// LiteDB's untyped failures ("This transaction are invalid state") met before the engine is replaced stay as they are.
/// A write waits for another's collection here, never in LiteDB (see <see cref="Write{T}"/>): the closing disposes the
/// other threads' transactions without letting go of the collection locks they hold in the engine, and a write waiting
/// in the engine for one of them waited out the engine's lock timeout, a minute, whatever held up behind it.
/// </summary>
internal sealed partial class ReopeningEngine : ILiteEngine
{
    private readonly EngineSettings _settings;
    private readonly Lock _reopening = new();

    /// <summary>The thread's open transaction (LiteDB transactions are bound to their thread).</summary>
    private readonly ThreadLocal<Transaction?> _transaction = new();

    /// <summary>Each collection's write lock, taken as LiteDB's is (see <see cref="Write{T}"/>); names as LiteDB compares them.</summary>
    private readonly ConcurrentDictionary<string, Lock> _collectionLocks = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a write waits for a collection another holds: the engine's own bound (its TIMEOUT pragma).</summary>
    private readonly TimeSpan _lockTimeout;

    /// <summary>The open engine; null after a failed write whose reopening the disk did not allow yet.</summary>
    private LiteEngine? _engine;

    /// <summary>
    /// Why the engine was last replaced (what the disk said when it refused a write: "No space left on device"): a
    /// transaction dropped by the reopening says it too, so whoever reports it (readiness, a poll's error) names the
    /// cause a curator can act on.
    /// </summary>
    private string _lastCause = "a write failed";

    private readonly ILogger _logger;

    public ReopeningEngine(string path, ILogger logger)
    {
        _logger = logger;
        _settings = new EngineSettings { Filename = path };
        _engine = new LiteEngine(_settings);
        _lockTimeout = TimeSpan.FromSeconds(_engine.Pragma(Pragmas.TIMEOUT).AsInt32);
    }

    /// <summary>
    /// The engine open now, if any. Tests make it fail one of LiteDB's own checks behind this wrapper's back, as a call
    /// on another thread leaves it until that call returns here.
    /// </summary>
    internal LiteEngine? Open => Volatile.Read(ref _engine);

    /// <summary>
    /// How a commit is made on LiteDB's engine. Tests replace it to fail a commit as a full disk does: before LiteDB
    /// confirms the transaction in its log, or after (at the checkpoint LiteDB makes then), the transaction in the file.
    /// </summary>
    internal Func<LiteEngine, bool> Committing { get; set; } = engine => engine.Commit();

    public bool BeginTrans()
    {
        var engine = Current();
        var began = Run(engine, e => e.BeginTrans());
        _transaction.Value ??= new Transaction(engine);
        return began;
    }

    public bool Commit()
    {
        // A commit that fails on an engine still open leaves the transaction to its caller's rollback: ended here, it
        // would stay open in LiteDB on the thread, where the thread's next read would see what it wrote (a group's
        // commit that threw would be found in the file) and its next transaction would join it.
        var committed = Run(Current(), Committing);
        EndTransaction();
        return committed;
    }

    public bool Rollback()
    {
        var engine = _transaction.Value?.Engine;
        try
        {
            // A transaction of an engine replaced since has nothing left to undo: the reopening dropped it.
            return engine is null || engine != _engine || Run(engine, e => e.Rollback());
        }
        finally
        {
            EndTransaction();
        }
    }

    public IBsonDataReader Query(string collection, Query query)
    {
        var engine = Current();
        return new Result(Run(engine, e => e.Query(collection, query), isWrite: false), failure => StoreFailure(engine, failure, isWrite: false));
    }

    /// <summary>
    /// Runs one of the store's reads (its queries, each result read to its end) and, when the engine it began on was
    /// closed under it (replaced, or closed itself on a failure another call met), runs it once more on the engine opened
    /// since; any other failure is the caller's. A read within a transaction is the transaction's to retry, with it.
    /// </summary>
    public T Read<T>(Func<T> read)
    {
        if (_transaction.Value is not null)
        {
            return read();
        }

        var engine = Current();
        try
        {
            return read();
        }
        catch (Exception)
        {
            if (!WasClosedUnder(engine))
            {
                throw;
            }
        }

        return read();
    }

    public int Insert(string collection, IEnumerable<BsonDocument> docs, BsonAutoId autoId) => Write(e => e.Insert(collection, docs, autoId), collection);

    public int Update(string collection, IEnumerable<BsonDocument> docs) => Write(e => e.Update(collection, docs), collection);

    public int UpdateMany(string collection, BsonExpression transform, BsonExpression predicate) => Write(e => e.UpdateMany(collection, transform, predicate), collection);

    public int Upsert(string collection, IEnumerable<BsonDocument> docs, BsonAutoId autoId) => Write(e => e.Upsert(collection, docs, autoId), collection);

    public int Delete(string collection, IEnumerable<BsonValue> ids) => Write(e => e.Delete(collection, ids), collection);

    public int DeleteMany(string collection, BsonExpression predicate) => Write(e => e.DeleteMany(collection, predicate), collection);

    public bool DropCollection(string name) => Write(e => e.DropCollection(name), name);

    public bool RenameCollection(string name, string newName) => Write(e => e.RenameCollection(name, newName), name, newName);

    public bool EnsureIndex(string collection, string name, BsonExpression expression, bool unique) => Write(e => e.EnsureIndex(collection, name, expression, unique), collection);

    public bool DropIndex(string collection, string name) => Write(e => e.DropIndex(collection, name), collection);

    public BsonValue Pragma(string name) => Run(Current(), e => e.Pragma(name), isWrite: false);

    public bool Pragma(string name, BsonValue value) => Run(Current(), e => e.Pragma(name, value));

    public int Checkpoint() => Run(Current(), e => e.Checkpoint());

    public long Rebuild(RebuildOptions options) => Run(Current(), e => e.Rebuild(options));

    public void Dispose()
    {
        if (_engine is { } engine)
        {
            try
            {
                engine.Dispose();
            }
            catch (IOException)
            {
                // Closing copies the log into the file; on a full disk the log keeps it for the next opening.
            }

            ClosedEngines.ForgetTransactions(engine);
        }

        _transaction.Dispose();
    }

    /// <summary>The engine this thread works with: its transaction's, else the open one (opened again if need be).</summary>
    private LiteEngine Current()
    {
        if (_transaction.Value is { } transaction)
        {
            return transaction.Engine;
        }

        if (Volatile.Read(ref _engine) is { } open)
        {
            return open;
        }

        lock (_reopening)
        {
            // Opening reads the file and replays its log; a disk still too full to allow it fails this call alone.
            try
            {
                return _engine ??= new LiteEngine(_settings);
            }
            catch (Exception failure) when (failure is not IOException)
            {
                throw DatabaseEngineException.NotReopened(failure);
            }
        }
    }

    /// <summary>
    /// Runs a write after taking, here, the write lock of each collection it writes, as LiteDB takes its own (a write
    /// alone, for the call; within a transaction, from its first write of the collection to its end): LiteDB's lock is
    /// then free whenever it is asked for, and a write waits for another's collection here. A transaction ends here
    /// however it ends, and lets go of its collections then, even when the engine it wrote on was closed under it and
    /// still holds its collections there. A write alone takes its engine once its collections are its own: one that
    /// waited for a write the replacement ended is done on the engine opened since.
    /// </summary>
    private T Write<T>(Func<LiteEngine, T> write, params string[] collections)
    {
        var transaction = _transaction.Value;
        var held = transaction?.Locks ?? [];
        try
        {
            foreach (var collection in collections)
            {
                var collectionLock = _collectionLocks.GetOrAdd(collection, _ => new Lock());
                if (held.Contains(collectionLock))
                {
                    continue;
                }

                if (!collectionLock.TryEnter(_lockTimeout))
                {
                    throw DatabaseEngineException.Busy(new LiteException(LiteException.LOCK_TIMEOUT, $"Collection '{collection}' lock timeout when entering in write mode after {_lockTimeout}"));
                }

                held.Add(collectionLock);
            }

            return Run(transaction?.Engine ?? Current(), write);
        }
        finally
        {
            if (transaction is null)
            {
                ExitAll(held);
            }
        }
    }

    private T Run<T>(LiteEngine engine, Func<LiteEngine, T> operation, bool isWrite = true)
    {
        if (engine != Volatile.Read(ref _engine))
        {
            EndTransaction();
            throw new TransactionDroppedException(Volatile.Read(ref _lastCause));
        }

        try
        {
            return operation(engine);
        }
        catch (Exception failure)
        {
            if (StoreFailure(engine, failure, isWrite) is { } storeFailure)
            {
                throw storeFailure;
            }

            throw;
        }
        finally
        {
            // A call that ran as its engine closed may have begun a transaction there after the closing forgot them.
            if (engine != Volatile.Read(ref _engine))
            {
                ClosedEngines.ForgetTransactions(engine);
            }
        }
    }

    /// <summary>
    /// After a call on <paramref name="engine"/> failed: replaces the engine if the failure broke it (a write the disk
    /// refused, a check of LiteDB's own that failed), and returns what the call's caller is to meet instead of the
    /// failure when it is the engine's: a storage failure (an <see cref="IOException"/>), so that the web, the poller,
    /// the command line and readiness tell it from a bug as they tell a full disk. Null when the failure is thrown as it
    /// is: an <see cref="IOException"/> already, or the call's own (a key already taken, a bad argument).
    /// </summary>
    private Exception? StoreFailure(LiteEngine engine, Exception failure, bool isWrite)
    {
        if (failure is LiteException { ErrorCode: LiteException.INVALID_DATAFILE_STATE } || (isWrite && failure is IOException))
        {
            // Replaced first: a write waiting for this transaction's collections takes the engine opened since.
            Replace(engine, failure);
            EndTransaction();
        }

        return failure switch
        {
            IOException => null,
            // Closed under the call (by its own failure or another's): what it met is what the closing pulled from under it.
            _ when engine != Volatile.Read(ref _engine) => new TransactionDroppedException(Volatile.Read(ref _lastCause), failure),
            _ => DatabaseEngineException.Of(failure),
        };
    }

    /// <summary>Ends the thread's transaction here, if it has one, and lets go of the collections it wrote.</summary>
    private void EndTransaction()
    {
        if (_transaction.Value is not { } transaction)
        {
            return;
        }

        _transaction.Value = null;
        ExitAll(transaction.Locks);
    }

    private static void ExitAll(List<Lock> held)
    {
        foreach (var collectionLock in held)
        {
            collectionLock.Exit();
        }

        held.Clear();
    }

    /// <summary>
    /// Whether a read's engine was closed under it: replaced since, or closed by LiteDB itself on a failure whose call
    /// has not replaced it yet (it is replaced here then). LiteDB tells that only by failing calls with the failure it
    /// closed on: <see cref="LiteEngine.Commit"/> with no transaction of this thread's open checks it and does nothing
    /// else. An engine closed otherwise (the store's disposal) is no read's to reopen.
    /// </summary>
    private bool WasClosedUnder(LiteEngine engine)
    {
        if (engine != Volatile.Read(ref _engine))
        {
            return true;
        }

        try
        {
            engine.Commit();
            return false;
        }
        catch (Exception closedOn) when (closedOn is IOException or LiteException { ErrorCode: LiteException.INVALID_DATAFILE_STATE })
        {
            Replace(engine, closedOn);
            return true;
        }
        catch (LiteException)
        {
            // Disposed ("This engine instance already disposed"): the store is closing.
            return false;
        }
    }

    /// <summary>Closes an engine that failed, once (whoever meets it first logs why), so the next call opens the file again.</summary>
    private void Replace(LiteEngine failed, Exception failure)
    {
        if (Close(failed, failure) is not { } cause)
        {
            return;
        }

        if (failure is IOException)
        {
            LogReopeningAfterRefusal(_logger, cause);
        }
        else
        {
            LogReopeningAfterInvalidState(_logger, failure);
        }
    }

    /// <summary>
    /// Closes an engine that failed (once, whoever meets it first) and returns why, or null when another call closed
    /// it already; the next call opens the file again.
    /// </summary>
    private string? Close(LiteEngine failed, Exception failure)
    {
        lock (_reopening)
        {
            if (failed != _engine)
            {
                return null;
            }

            var cause = failure is IOException
                ? failure.Message.ReplaceLineEndings(" ").Trim()
                : $"the database engine found its state inconsistent ({failure.Message})";
            Volatile.Write(ref _lastCause, cause);
            _engine = null;
            try
            {
                failed.Dispose();
            }
            catch (Exception closing) when (closing is IOException or LiteException)
            {
                // The broken transaction may fail its own closing; what it had not committed is dropped either way.
            }

            ClosedEngines.ForgetTransactions(failed);
            return cause;
        }
    }

    /// <summary>
    /// Information, with the refusal's message and no trace: the failed write is reported by whoever made it (a full
    /// disk in one line by readiness and the poll); this says that the others under way were dropped, and why.
    /// </summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "A write to the database failed ({Cause}); the database is closed and opened again, and the transactions under way fail and are tried again")]
    private static partial void LogReopeningAfterRefusal(ILogger logger, string cause);

    /// <summary>An error, with its trace: not the disk but the engine, whose failure says what to fix.</summary>
    [LoggerMessage(Level = LogLevel.Error, Message = "The database engine found its own state inconsistent and closed itself; it is opened again (its log replayed up to the last commit), and the transactions under way fail and are tried again")]
    private static partial void LogReopeningAfterInvalidState(ILogger logger, Exception failure);

    /// <summary>
    /// A query's result, whose documents are read after <see cref="Query"/> returned: a failure met while reading them
    /// is told as <see cref="Run{T}"/> tells a call's (see <see cref="StoreFailure"/>).
    /// </summary>
    private sealed class Result(IBsonDataReader reader, Func<Exception, Exception?> storeFailure) : IBsonDataReader
    {
        public BsonValue this[string field] => reader[field];

        public string Collection => reader.Collection;

        public BsonValue Current => reader.Current;

        public bool HasValues => reader.HasValues;

        public bool Read()
        {
            try
            {
                return reader.Read();
            }
            catch (Exception failure)
            {
                if (storeFailure(failure) is { } translated)
                {
                    throw translated;
                }

                throw;
            }
        }

        public void Dispose() => reader.Dispose();
    }

    /// <summary>A thread's transaction: the engine it began on and the collection locks it holds here.</summary>
    private sealed class Transaction(LiteEngine engine)
    {
        public LiteEngine Engine { get; } = engine;

        public List<Lock> Locks { get; } = [];
    }
}
