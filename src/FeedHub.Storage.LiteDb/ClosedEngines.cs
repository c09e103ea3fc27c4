using System.Collections;
using System.Reflection;
using LiteDB.Engine;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Keeps the transactions of a closed LiteDB engine from LiteDB's finalizer, which would end the process. LiteDB 5's
/// <c>TransactionService</c> has a finalizer that undoes a transaction left open: it discards the transaction's pages
/// and releases it from its thread's slot, and both throw for a transaction of a closed engine ("discarded page must be
/// writable" when its commit had written part of its pages when it failed, "current thread must contains transaction
/// parameter" for any write transaction, the finalizer's thread being none of theirs): an exception on the finalizer
/// thread cannot be caught and ends the process. Closing an engine disposes its transactions (which suppresses their
/// finalizers) but stops at the first whose disposal throws (the transaction whose commit failed midway, whose failure
/// closed the engine), leaving it and those after it open; and a call under way as the engine closes may begin one
/// after. Nothing of such a transaction is left to undo: its engine, page cache and files are closed, and what it had
/// not committed is dropped with them. LiteDB gives no public way to an engine's transactions: they are read from its
/// transaction monitor by reflection, checked by a test (<c>ClosedEngineTests</c>) so that an upgrade of LiteDB that
/// moves them fails there.
/// </summary>
internal static class ClosedEngines
{
    private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo Monitor = typeof(LiteEngine).GetField("_monitor", Private)
        ?? throw new MissingFieldException("LiteDB.Engine.LiteEngine", "_monitor");

    private static readonly FieldInfo Transactions = Monitor.FieldType.GetField("_transactions", Private)
        ?? throw new MissingFieldException(Monitor.FieldType.FullName, "_transactions");

    private static readonly FieldInfo Slots = Monitor.FieldType.GetField("_slot", Private)
        ?? throw new MissingFieldException(Monitor.FieldType.FullName, "_slot");

    /// <summary>
    /// Keeps every transaction LiteDB still holds for <paramref name="closed"/> from its finalizer, and lets go of the
    /// engine: each thread's slot holds the write transaction the thread began until it ends, and with it the closed
    /// engine and its page cache, for as long as the thread lives (a pool thread, for hours). A thread still at work on
    /// the closed engine meets its slots disposed (<see cref="ObjectDisposedException"/>), as a closed engine, and begins
    /// no transaction there.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA1816", Justification = "LiteDB's objects, whose finalizer would end the process: see the class")]
    public static void ForgetTransactions(LiteEngine closed)
    {
        foreach (var transaction in TransactionsOf(closed))
        {
            GC.SuppressFinalize(transaction);
        }

        if (Monitor.GetValue(closed) is { } monitor)
        {
            (Slots.GetValue(monitor) as IDisposable)?.Dispose();
        }
    }

    /// <summary>The transactions LiteDB holds for <paramref name="engine"/>: those begun and not released yet.</summary>
    internal static List<object> TransactionsOf(LiteEngine engine)
    {
        if (Monitor.GetValue(engine) is not { } monitor || Transactions.GetValue(monitor) is not IDictionary transactions)
        {
            return [];
        }

        // LiteDB adds and removes them under this lock, except when closing, which empties them without it (once): read
        // again if it did meanwhile.
        lock (transactions)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return [.. transactions.Values.Cast<object?>().OfType<object>()];
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                }
            }
        }
    }
}
