namespace FeedHub.Storage.LiteDb;

/// <summary>
/// A transaction of an engine replaced since it began: the reopening dropped it, and nothing of it was committed. A
/// failure of the store (an <see cref="IOException"/>, as the refusal that replaced the engine may have been), which the
/// transaction's caller can try again. Also what a call whose engine was replaced under it (by its own failure or
/// another's) failed with, as <paramref name="met"/>.
/// </summary>
internal sealed class TransactionDroppedException(string cause, Exception? met = null)
    : IOException($"{cause} (the database was reopened; this transaction was dropped and can be tried again)", met);
