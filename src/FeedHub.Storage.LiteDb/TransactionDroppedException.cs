namespace FeedHub.Storage.LiteDb;

/// <summary>
/// A transaction of an engine replaced since it began: the reopening dropped it, and nothing of it was committed. A
/// failure of the store (an <see cref="IOException"/>, as the refusal that replaced the engine may have been), which the
/// transaction's caller can try again.
/// </summary>
internal sealed class TransactionDroppedException(string cause)
    : IOException($"{cause} (the database was reopened; this transaction was dropped and can be tried again)");
