namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    /// <summary>The engine behind <see cref="_database"/>.</summary>
    internal ReopeningEngine Engine { get; private set; } = null!;

    /// <summary>
    /// One of the store's reads (a method of <see cref="Core.Storage.IFeedStore"/> that writes nothing), all its queries
    /// run and their results read within <paramref name="read"/>: if LiteDB's engine was replaced under it, it is done
    /// once more on the engine opened again (<see cref="ReopeningEngine.Read{T}"/>), and its caller (a page, an API
    /// call, a poll) is answered instead of failing with what broke the old engine. The walks of whole collections (a
    /// search index's rebuild) stream and are not done again: that would mean holding what they read.
    /// </summary>
    private T Read<T>(Func<T> read) => Engine.Read(read);
}
