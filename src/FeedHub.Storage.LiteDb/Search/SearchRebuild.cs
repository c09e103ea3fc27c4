using FeedHub.Core.Storage;

namespace FeedHub.Storage.LiteDb.Search;

/// <summary>
/// A rebuild of the whole index under way in the background, in batches of articles by id up to
/// <see cref="Bound"/>, the highest id when the store opened: articles added since have higher ids and are indexed by
/// the writes that add them. While it runs, a write indexes only the articles the rebuild has read already
/// (<see cref="IndexesNow"/>); the others it leaves to the rebuild, which reads them later as they then stand. One
/// that failed stays, its articles read so far kept for the writes to go by, until another starts over in its place.
/// </summary>
internal sealed class SearchRebuild(string reason, long bound, DateTimeOffset since)
{
    private long _readUpTo;
    private long _done;
    private long _total;

    /// <summary>Why the index is rebuilt (missing, another version's, another database's, unreadable).</summary>
    public string Reason { get; } = reason;

    /// <summary>The highest article id when the store opened: the last the rebuild reads.</summary>
    public long Bound { get; } = bound;

    /// <summary>When the first attempt began (a rebuild that starts over keeps it).</summary>
    public DateTimeOffset Since { get; } = since;

    /// <summary>Why the rebuild stopped, when it failed; searches stay refused until another attempt is done.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Every batch is indexed: the index may be committed (searches still wait for that commit).</summary>
    public bool Whole { get; set; }

    /// <summary>The highest article id the rebuild has read; moved under the store's write lock only.</summary>
    public long ReadUpTo
    {
        get => Interlocked.Read(ref _readUpTo);
        set => Interlocked.Exchange(ref _readUpTo, value);
    }

    public long Total
    {
        get => Interlocked.Read(ref _total);
        set => Interlocked.Exchange(ref _total, value);
    }

    public long Done => Interlocked.Read(ref _done);

    public SearchIndexStatus Status => Failure is { } failure
        ? new(SearchIndexPhase.Failed, Since, Done, Total, failure.Message)
        : new(SearchIndexPhase.Building, Since, Done, Total);

    public void Fail(Exception failure) => Failure = failure;

    /// <summary>Whether a write indexes the article now (under the write lock, where the rebuild reads its batches).</summary>
    public bool IndexesNow(long articleId) => articleId <= ReadUpTo || articleId > Bound;

    public void Indexed(int count) => Interlocked.Add(ref _done, count);
}
