using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FeedHub.Core.Storage;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Each source's river is one range of the <c>SourceRiverKey</c> index (the source's id in 19 digits, then the river
/// key), so a page of one source, or of a few merged, is a seek and a walk of about the page's size. Filtering the
/// whole river by source walked thousands of documents per page at a million articles, and such long reads, while
/// writers changed the index, were what broke LiteDB's shared page cache (issue 15).
/// </summary>
public sealed partial class LiteDbFeedStore
{
    private const string SourceRiverKey = "SourceRiverKey";

    /// <summary>
    /// Computed by LiteDB from two fields every build writes, so no document holds it and a build from before this index
    /// that opens the file keeps it up to date as it writes. Fixed-width digits, like the river key, so one source's keys
    /// are one range of the index whatever the collation.
    /// </summary>
    private const string SourceRiverKeyExpression = "FORMAT($.SourceId, 'D19') + $.RiverKey";


    /// <summary>River keys, the greatest (newest) first.</summary>
    private static readonly Comparer<string> NewestFirst = Comparer<string>.Create((x, y) => string.CompareOrdinal(y, x));

    /// <summary>
    /// Files from before have no per-source river: LiteDB builds the index once, reading every article, in one
    /// transaction (on a crash the file opens without it, and it is built again). True when it was built now over
    /// stored articles; a new file gets it empty.
    /// </summary>
    private bool BuildSourceRiverIndex()
    {
        if (HasArticleIndex(SourceRiverKey))
        {
            return false;
        }

        var articles = _database.GetCollection("articles");
        if (!_database.CollectionExists("articles"))
        {
            articles.EnsureIndex(SourceRiverKey, SourceRiverKeyExpression);
            return false;
        }

        LogSourceRiverIndexBuilding();
        var started = Stopwatch.GetTimestamp();
        articles.EnsureIndex(SourceRiverKey, SourceRiverKeyExpression);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        LogSourceRiverIndexBuilt(seconds);
        return true;
    }

    /// <summary>
    /// The newest articles of the sources within the river keys <paramref name="low"/>..<paramref name="high"/> (inclusive),
    /// up to <paramref name="limit"/>, duplicates passed over when <paramref name="storiesOnly"/>; or null when there are
    /// too many sources to seek each (see <see cref="MergeCostsLess"/>). Of several sources, each one's river is
    /// opened only when its newest article (<see cref="NewestRiverKey"/>) could still be on the page: a category's
    /// sources that have not posted since the page's last article (a planet's many quiet blogs) are never read.
    /// </summary>
    private List<BsonDocument>? ReadSourceRivers(IReadOnlyCollection<long> sourceIds, string low, string high, int limit, bool storiesOnly)
    {
        var distinct = sourceIds.Distinct().ToList();
        if (!MergeCostsLess(distinct.Count, limit))
        {
            return null;
        }

        // The first read of each source is about its share of the page (all of it for one source); a source whose
        // articles fill more of the page is read on in chunks twice as large each time.
        var firstChunk = Math.Min(limit, (limit / distinct.Count) + 2);
        // Newest first, each source as an unopened walk at the newest key it may have (the upper end of the range for
        // one source), then as its next article once opened: an article is taken only when no source left unopened
        // could have a newer one.
        var newestFirst = new PriorityQueue<SourceRiverWalk, string>(NewestFirst);
        foreach (var sourceId in distinct)
        {
            var newest = distinct.Count == 1 ? high : NewestRiverKey(sourceId);
            if (newest is not null && string.CompareOrdinal(newest, low) >= 0)
            {
                newestFirst.Enqueue(new SourceRiverWalk(this, sourceId, low, high, firstChunk), string.CompareOrdinal(newest, high) < 0 ? newest : high);
            }
        }

        var page = new List<BsonDocument>(limit);
        while (page.Count < limit && newestFirst.TryDequeue(out var walk, out _))
        {
            if (walk.IsOpen)
            {
                var document = walk.Take();
                if (!storiesOnly || !IsDuplicate(document))
                {
                    page.Add(document);
                }
            }

            if (page.Count < limit && walk.Peek() is { } next)
            {
                newestFirst.Enqueue(walk, next[RiverKey].AsString);
            }
        }

        return page;
    }

    /// <summary>
    /// Whether merging <paramref name="sourceCount"/> sources' rivers reads less than walking the whole river and keeping
    /// theirs. The merge costs about a seek per source (its newest key, then its river if that could be on the page);
    /// the walk reads the page's worth of the sources' articles spread among everyone's: about <paramref name="limit"/>
    /// times all the sources over theirs. So a category that is a small part of a planet (150 of 10,000 sources: a walk
    /// of ~3,400 documents for a page of 51, 174–268 ms at a million articles) is merged, and one that is most of it
    /// (150 of 200 sources: ~70 documents) is walked.
    /// </summary>
    private bool MergeCostsLess(int sourceCount, int limit)
        => sourceCount <= AlwaysMerged || (long)sourceCount * sourceCount <= (long)limit * Math.Max(_sourceDirectory.Count, sourceCount);

    /// <summary>
    /// Up to this many sources are merged whatever the page's size: their newest keys are kept from one read to the next
    /// (<see cref="NewestRiverKey"/>), so a small category's page costs a few seeks, and a page's refill of a few
    /// articles (the river's, after stories folded) does not turn to a walk that a quiet category would make long.
    /// </summary>
    private const int AlwaysMerged = 100;

    /// <summary>
    /// Each source's newest river key as read, with the count of writes to the source's articles it was read at (its
    /// content scope's, which every write of an article moves after its commit): while that count stays, no newer
    /// article was written to the source, and one removed since leaves the key an upper bound, which is all the merge
    /// needs. Read again, one seek, after a write to the source.
    /// </summary>
    private readonly ConcurrentDictionary<long, (long Writes, string? Newest)> _newestRiverKeys = new();

    /// <summary>The river key of <paramref name="sourceId"/>'s newest article, or one above it (see <see cref="_newestRiverKeys"/>); null when it has none.</summary>
    private string? NewestRiverKey(long sourceId)
    {
        // The count read before the key: a write committed meanwhile moves it after, so the key is read again next time.
        var writes = _scopeChanges.GetValueOrDefault(ContentScope.Source(sourceId).Key);
        if (_newestRiverKeys.TryGetValue(sourceId, out var kept) && kept.Writes == writes)
        {
            return kept.Newest;
        }

        var newest = _articles.Query()
            .Where(Where.Between(SourceRiverKeyExpression, SourceRiverKeyOf(sourceId, new string('0', RiverKeyLength)), SourceRiverKeyOf(sourceId, new string('9', RiverKeyLength))))
            .OrderByDescending(SourceRiverKeyExpression)
            .Select(RiverKey)
            .Limit(1)
            .FirstOrDefault()?[RiverKey].AsString;
        _newestRiverKeys[sourceId] = (writes, newest);
        return newest;
    }

    /// <summary>The first key of <paramref name="sourceId"/>'s range of the <c>SourceRiverKey</c> index with this river key.</summary>
    private static string SourceRiverKeyOf(long sourceId, string riverKey)
        => string.Create(CultureInfo.InvariantCulture, $"{sourceId:D19}{riverKey}");

    /// <summary>One source's river read newest first, a chunk at a time: each read is one short walk of the index.</summary>
    private sealed class SourceRiverWalk(LiteDbFeedStore store, long sourceId, string low, string high, int chunk)
    {
        private readonly Queue<BsonDocument> _read = new();
        private string? _high = high;
        private int _chunk = chunk;

        /// <summary>Whether the source's river has been read from (its first <see cref="Peek"/>).</summary>
        public bool IsOpen { get; private set; }

        /// <summary>The newest article not yet taken (the next chunk is read once all read are taken), or null when the source has no more in the range.</summary>
        public BsonDocument? Peek()
        {
            IsOpen = true;
            if (_read.Count == 0)
            {
                ReadNextChunk();
            }

            return _read.TryPeek(out var newest) ? newest : null;
        }

        public BsonDocument Take() => _read.Dequeue();

        private void ReadNextChunk()
        {
            if (_high is null || string.CompareOrdinal(low, _high) > 0)
            {
                return;
            }

            var chunk = store._articles.Query()
                .Where(Where.Between(SourceRiverKeyExpression, SourceRiverKeyOf(sourceId, low), SourceRiverKeyOf(sourceId, _high)))
                .OrderByDescending(SourceRiverKeyExpression)
                .Limit(_chunk)
                .ToList();
            foreach (var document in chunk)
            {
                _read.Enqueue(document);
            }

            _high = chunk.Count < _chunk ? null : KeyBelow(chunk[^1][RiverKey].AsString);
            _chunk = Math.Min(_chunk * 2, 1000);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexing each source's river in the database, once (a file from an earlier version): about a minute for a million articles")]
    private partial void LogSourceRiverIndexBuilding();

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed each source's river in {Seconds:F1} s")]
    private partial void LogSourceRiverIndexBuilt(double seconds);
}
