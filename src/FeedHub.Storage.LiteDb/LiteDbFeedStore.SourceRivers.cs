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

    /// <summary>
    /// Beyond this many sources (a large category), their articles are a good part of the river: walking it and keeping
    /// theirs reads fewer documents than a seek per source.
    /// </summary>
    private const int MaxSourcesMerged = 100;

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
    /// too many sources to seek each (see <see cref="MaxSourcesMerged"/>).
    /// </summary>
    private List<BsonDocument>? ReadSourceRivers(IReadOnlyCollection<long> sourceIds, string low, string high, int limit, bool storiesOnly)
    {
        var distinct = sourceIds.Distinct().ToList();
        if (distinct.Count > MaxSourcesMerged)
        {
            return null;
        }

        // One read transaction for all the walks: a query outside one reads the collection's page again and parses
        // each of its indexes' expressions (LiteDB 5.0.21), a quarter of a short walk. Within the store's read, which
        // runs it again on an engine replaced under it; a walk within a transaction of its caller's keeps that one.
        var began = _database.BeginTrans();
        try
        {
            return MergeSourceRivers(distinct, low, high, limit, storiesOnly);
        }
        finally
        {
            if (began)
            {
                _database.Rollback();
            }
        }
    }

    private List<BsonDocument> MergeSourceRivers(List<long> distinct, string low, string high, int limit, bool storiesOnly)
    {
        // The first read of each source is about its share of the page (all of it for one source); a source whose
        // articles fill more of the page is read on in chunks twice as large each time.
        var firstChunk = Math.Min(limit, (limit / distinct.Count) + 2);
        var newestFirst = new PriorityQueue<SourceRiverWalk, string>(NewestFirst);
        foreach (var sourceId in distinct)
        {
            var walk = new SourceRiverWalk(this, sourceId, low, high, firstChunk);
            if (walk.Peek() is { } newest)
            {
                newestFirst.Enqueue(walk, newest[RiverKey].AsString);
            }
        }

        var page = new List<BsonDocument>(limit);
        while (page.Count < limit && newestFirst.TryDequeue(out var walk, out _))
        {
            var document = walk.Take();
            if (!storiesOnly || !IsDuplicate(document))
            {
                page.Add(document);
            }

            if (page.Count < limit && walk.Peek() is { } next)
            {
                newestFirst.Enqueue(walk, next[RiverKey].AsString);
            }
        }

        return page;
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

        /// <summary>The newest article not yet taken (the next chunk is read once all read are taken), or null when the source has no more in the range.</summary>
        public BsonDocument? Peek()
        {
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
