namespace FeedHub.Storage.LiteDb;

/// <summary>The database file is held by another FeedHub process.</summary>
public sealed class StoreInUseException(string message) : Exception(message);
