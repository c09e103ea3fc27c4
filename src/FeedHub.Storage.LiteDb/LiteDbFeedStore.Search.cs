using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb.Search;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Full-text search with a Lucene index beside the LiteDB file (<c>feedhub.db</c> → <c>feedhub.search/</c>).
/// Every write that changes what is searched also records, in the same LiteDB transaction, which articles or sources
/// to index again (the search outbox, one entry per write); the index is updated right after and committed to disk
/// every few seconds with the outbox position it covers, under a lock of its own: writes go on while the commit syncs
/// the disk. On opening, the outbox past that position is replayed, so a crash at any moment leaves the index at most a
/// replay behind; a missing, foreign or unreadable index is rebuilt from the articles in the background (see
/// <see cref="SearchRebuild"/>), searches refused meanwhile.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    private const string SearchStoreSetting = "search.store";
    private const string OutboxArticles = "Articles";
    private const string OutboxSources = "Sources";

    /// <summary>Files from before wrote an outbox entry per article or source: the ones left uncommitted are replayed too.</summary>
    private const string OldOutboxArticle = "Article";
    private const string OldOutboxSource = "Source";

    /// <summary>Past this many articles and sources indexed the index is committed at once, so a replay stays short.</summary>
    private const int MaxUncommittedWork = 20_000;

    private readonly Lock _writeLock = new();

    /// <summary>One commit of the index at a time; taken after the write lock when both are (closing), never before.</summary>
    private readonly Lock _commitLock = new();

    private ILiteCollection<BsonDocument> _outbox = null!;
    private LuceneArticleIndex? _search;
    private Timer? _commitTimer;
    private string _searchStore = string.Empty;
    private long _lastOutboxId;

    /// <summary>Writes indexing their articles outside the write lock, and the outbox position the index holds every write up to.</summary>
    private IndexingTurns _indexing = new(0);

    /// <summary>The highest article id the index held once opened: articles added since with a higher id are not in it.</summary>
    private long _searchHighestIdAtOpen;

    /// <summary>Articles and sources indexed since the store opened, and how many of them the last commit covered.</summary>
    private long _indexedWork;
    private long _committedWork;
    private bool _searchMarkedStale;

    /// <summary>The rebuild under way in the background; null when the index holds every article.</summary>
    private volatile SearchRebuild? _rebuild;
    private readonly CancellationTokenSource _rebuildStopping = new();
    private Task _rebuildRun = Task.CompletedTask;

    /// <summary>How the last opening found the search index ("up to date", "replayed N changes", "rebuilt: why").</summary>
    public string SearchIndexState { get; private set; } = "off";

    public Task<IReadOnlyDictionary<long, SearchHighlight>> HighlightAsync(SearchQuery query, IReadOnlyList<Article> articles, CancellationToken cancellationToken)
    {
        var index = _search ?? throw SearchIsOff();
        var highlights = new Dictionary<long, SearchHighlight>(articles.Count);
        foreach (var article in articles)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = SearchText.Body(article);
            highlights[article.Id] = SearchHighlighter.Build(body, index.Matches(query, SearchLanguages.For(article.Language), body));
        }

        return Task.FromResult<IReadOnlyDictionary<long, SearchHighlight>>(highlights);
    }

    private static string SearchIndexPath(string databasePath)
        => Path.Combine(Path.GetDirectoryName(databasePath)!, Path.GetFileNameWithoutExtension(databasePath) + ".search");

    private static bool SearchedNamesDiffer(Source? before, Source after)
        => before is null || before.DisplayName != after.DisplayName || before.Title != after.Title;

    private static InvalidOperationException SearchIsOff() => new("Search is off for this store (it was opened without its search index).");

    private void OpenSearch(string databasePath, LiteDbSearchOptions options)
    {
        _outbox = _database.GetCollection("search_outbox");
        _lastOutboxId = _outbox.Query().OrderByDescending("_id").Select("_id").Limit(1).FirstOrDefault()?["_id"] is { IsNumber: true } last ? last.AsInt64 : 0;
        _searchStore = _settings.FindById(SearchStoreSetting)?["Value"].AsString ?? NewSearchStore();
        if (!options.Enabled)
        {
            return;
        }

        var path = _searchPath = SearchIndexPath(databasePath);
        var (index, commit, rebuildReason) = LuceneArticleIndex.Open(path);
        if (index is not null && commit!.Store != _searchStore)
        {
            index.Dispose();
            (index, rebuildReason) = (null, "the search index belongs to another database");
        }

        if (index is null)
        {
            _search = LuceneArticleIndex.Create(path);
            if (_nextArticleId > 1)
            {
                _rebuild = new SearchRebuild(rebuildReason!, bound: _nextArticleId - 1, since: DateTimeOffset.UtcNow);
                SearchIndexState = $"rebuilding in the background: {rebuildReason}";
            }
            else
            {
                // No article to index (a new file): the empty index is whole at once.
                SearchIndexState = $"rebuilt 0 articles: {rebuildReason}";
            }
        }
        else
        {
            _search = index;
            _lastOutboxId = Math.Max(_lastOutboxId, commit!.Watermark);
            var replayed = 0;
            foreach (var entry in _outbox.Find(Where.More("_id", commit.Watermark)).ToList())
            {
                replayed += Sync(entry);
            }

            SearchIndexState = replayed == 0 ? "up to date" : $"replayed {replayed} changes the index had not committed";
        }

        _indexing = new IndexingTurns(_lastOutboxId);
        _searchHighestIdAtOpen = _search.HighestId;
        TryCommitSearch();
        _commitTimer = new Timer(_ => CommitSearchOnTimer(), null, options.CommitInterval, options.CommitInterval);
        if (_rebuild is { } rebuild)
        {
            StartRebuild(rebuild, options);
        }
    }

    /// <summary>
    /// Runs a write in a transaction with the search outbox entry it calls for, then brings the index up to date.
    /// Writes are serialised so the outbox positions follow the order of the commits; their articles are indexed after
    /// the write lock is let go, by each writer at once (see <see cref="IndexingTurns"/>). A write of articles alone
    /// shares its transaction with the writes of articles queued beside it (see <see cref="CommitInGroup"/>). A write
    /// that names sources (or may: a removal learns them in its write) is committed alone: it indexes them under the
    /// lock, once the writes before it are done indexing their articles, and reads them as they now stand; in a group
    /// it would wait for the combiner's own write, whose indexing comes after the group. So is a write whose caller
    /// holds the write lock already: the combiner of a group would wait for it.
    /// </summary>
    /// <param name="inserted">How many of <paramref name="articles"/>, the first ones, the write added.</param>
    /// <param name="names">The names of the articles' sources that the write learned, by source id (others are read).</param>
    private void WriteSearchable(Action write, IReadOnlyList<Article> articles, IReadOnlyCollection<long> sources, int inserted = 0, Dictionary<long, string>? names = null)
    {
        var queued = new QueuedWrite(write, articles, sources, inserted);
        if (articles.Count > 0 && sources.Count == 0 && !_writeLock.IsHeldByCurrentThread)
        {
            CommitInGroup(queued);
        }
        else
        {
            lock (_writeLock)
            {
                CommitGroup([queued]);
            }
        }

        queued.ThrowIfFailed();
        if (queued.Indexed is not { } indexed)
        {
            return;
        }

        try
        {
            if (sources.Count == 0)
            {
                IndexArticles(queued.Position, indexed, inserted, names ?? []);
            }
        }
        finally
        {
            _indexing.End(queued.Position, sources.Count == 0 ? KeysOf(indexed) : []);
        }

        Interlocked.Add(ref _indexedWork, articles.Count + sources.Count);
        if (Volatile.Read(ref _indexedWork) - Volatile.Read(ref _committedWork) >= MaxUncommittedWork)
        {
            // The articles are stored: a commit of the index that fails (a full disk) is retried later.
            TryCommitSearch();
        }
    }

    /// <summary>
    /// Under the write lock, once a write is committed: its turn at indexing. While a rebuild runs, the articles it has
    /// not read yet are its to index, as they stand when it reads them (the inserted ones, the first, are above what it
    /// reads and always kept). The sources it names are indexed again here, after the writes before it are done
    /// indexing their articles.
    /// </summary>
    private void BeginIndexing(QueuedWrite write)
    {
        if (_search is null || (write.Articles.Count == 0 && write.Sources.Count == 0))
        {
            write.Committed(null);
            return;
        }

        var indexed = _rebuild is { } rebuild ? write.Articles.Where(article => rebuild.IndexesNow(article.Id)).ToList() : write.Articles;
        if (write.Sources.Count > 0)
        {
            _indexing.WaitForSources(write.Sources);
            var names = new Dictionary<long, string>();
            foreach (var article in indexed)
            {
                _search.Upsert(article, SourceNamesOf(article.SourceId, names));
            }

            foreach (var source in write.Sources)
            {
                SyncSource(source, names);
            }

            _indexing.Begin(write.Position, []);
        }
        else
        {
            _indexing.Begin(write.Position, KeysOf(indexed));
        }

        write.Committed(indexed);
    }

    /// <summary>Indexes a committed write's articles, outside the write lock.</summary>
    private void IndexArticles(long position, IReadOnlyList<Article> articles, int inserted, Dictionary<long, string> names)
    {
        var index = _search!;
        for (var i = 0; i < articles.Count; i++)
        {
            var article = articles[i];
            // An id the store added in this process and above every id the index held when it opened cannot be in it.
            var isNew = i < inserted && article.Id > _searchHighestIdAtOpen;
            _indexing.Index(position, article.Id, () => index.Upsert(article, SourceNamesOf(article.SourceId, names), isNew));
        }
    }

    private List<Article> SearchArticles(ArticleQuery query, SearchQuery search)
    {
        if (_rebuild is { } rebuild)
        {
            // What the part built so far finds is not what the store holds: no answer rather than a partial one (also
            // while a failed rebuild waits to start over).
            throw new SearchIndexBuildingException(rebuild.Status);
        }

        var ids = (_search ?? throw SearchIsOff()).Search(query, search);
        if (ids.Count == 0)
        {
            return [];
        }

        var found = _articles.Find(Where.In("_id", ids)).Select(ToArticle).ToDictionary(a => a.Id);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>
    /// Writes the index to disk with the outbox position it covers, then forgets the outbox up to there. The position is
    /// read before the commit starts: what writes add to the index meanwhile is in the commit or not, and replayed either
    /// way (an article indexed again replaces itself). Writes go on while the disk syncs.
    /// </summary>
    private void CommitSearch()
    {
        lock (_commitLock)
        {
            // A rebuild commits once it is done: a commit of part of it would be taken for the whole index.
            if (_search is not { } index || _rebuild is { Whole: false })
            {
                return;
            }

            // The work count is read first: it may fall behind what the commit covers, or count writes still indexing
            // that it does not (a few polls' worth, which the next commit covers): it only decides when to commit early.
            var work = Volatile.Read(ref _indexedWork);
            var watermark = _indexing.Watermark;
            index.Commit(watermark, _searchStore);
            Volatile.Write(ref _committedWork, work);
            _outbox.DeleteMany(Where.AtMost("_id", watermark));
        }
    }

    /// <summary>A failed commit (a full disk) loses nothing: the outbox keeps the work and the next commit retries.</summary>
    private void TryCommitSearch()
    {
        try
        {
            CommitSearch();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// The timer's commit. An exception escaping a timer's callback ends the process (a `serve` polling 10,000 feeds on
    /// LiteDB was seen to abort from a timer callback), so any failure is logged and left to the next commit: the outbox
    /// keeps the work until a commit covers it.
    /// </summary>
    private void CommitSearchOnTimer()
    {
        try
        {
            TryCommitSearch();
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            LogTimedCommitFailed(_logger, failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The search index's timed commit failed; its work stays in the outbox for the next commit")]
    private static partial void LogTimedCommitFailed(ILogger logger, Exception failure);

    private void CloseSearch()
    {
        _commitTimer?.Dispose();
        StopRebuild();
        lock (_writeLock)
        {
            // No write begins indexing under the write lock: those under way finish before the index is closed.
            _indexing.WaitForAll();

            // And the commit lock, so a commit the timer began finishes before the index is closed.
            lock (_commitLock)
            {
                if (_search is null)
                {
                    return;
                }

                if (_rebuild is null or { Whole: true })
                {
                    // On a full disk the index is left as it was: the outbox replays the rest at the next opening.
                    TryCommitSearch();
                    _search.Dispose();
                }
                else
                {
                    // Half rebuilt: nothing of it is written, and the next opening rebuilds it from the start.
                    _search.Abandon();
                }

                _search = null;
            }
        }
    }

    private string NewSearchStore()
    {
        var store = Guid.NewGuid().ToString("N");
        _settings.Upsert(new BsonDocument { ["_id"] = SearchStoreSetting, ["Value"] = store });
        return store;
    }

    /// <summary>Indexes again what one outbox entry names, as it now stands; returns how many articles and sources it named.</summary>
    private int Sync(BsonDocument entry)
    {
        var articleIds = entry.TryGetValue(OutboxArticles, out var articles) ? articles.AsArray : [];
        var sourceIds = entry.TryGetValue(OutboxSources, out var sources) ? sources.AsArray : [];
        if (entry.TryGetValue(OldOutboxArticle, out var oldArticle))
        {
            articleIds = [oldArticle];
        }
        else if (entry.TryGetValue(OldOutboxSource, out var oldSource))
        {
            sourceIds = [oldSource];
        }

        var names = new Dictionary<long, string>();
        foreach (var articleId in articleIds)
        {
            if (_articles.FindById(articleId) is { } document)
            {
                var article = ToArticle(document);
                _search!.Upsert(article, SourceNamesOf(article.SourceId, names));
            }
            else
            {
                _search!.Delete(articleId.AsInt64);
            }
        }

        foreach (var sourceId in sourceIds)
        {
            SyncSource(sourceId.AsInt64, []);
        }

        return articleIds.Count + sourceIds.Count;
    }

    /// <summary>A source was renamed or removed: its articles are indexed again as they now stand (or dropped).</summary>
    private void SyncSource(long sourceId, Dictionary<long, string> names)
    {
        _search!.DeleteSource(sourceId);
        var rebuild = _rebuild;
        foreach (var document in _articles.Find(Where.Equal("SourceId", sourceId)))
        {
            if (rebuild is null || rebuild.IndexesNow(document["_id"].AsInt64))
            {
                _search.Upsert(ToArticle(document), SourceNamesOf(sourceId, names));
            }
        }
    }

    private static IEnumerable<(long Id, long SourceId)> KeysOf(IEnumerable<Article> articles) => articles.Select(article => (article.Id, article.SourceId));

    private string SourceNamesOf(long sourceId, Dictionary<long, string> names)
    {
        if (!names.TryGetValue(sourceId, out var name))
        {
            name = SearchText.SourceNames(Read(() => _sources.FindById(sourceId)));
            names[sourceId] = name;
        }

        return name;
    }
}

/// <summary>The embedded store's search index.</summary>
public sealed record LiteDbSearchOptions
{
    /// <summary>
    /// False opens the store without its index (copying a file elsewhere, measuring ingest without indexing): searches
    /// are refused, and the first write marks the index for a rebuild at the next opening with search.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// How often the index is written to disk; what a crash loses in between is replayed from the outbox (at most
    /// 20,000 articles and sources: past that the index commits at once). Searches see every write at once whatever
    /// the interval. 30 s makes a cold poll ~8 % cheaper than 5 s (fewer segments, no merges). A failed timed commit is
    /// logged and retried by the next one (see <see cref="CommitSearchOnTimer"/>), never fatal.
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many articles a rebuild reads at a time under the store's write lock (writes wait that long at most).</summary>
    internal int RebuildBatchSize { get; init; } = 500;

    /// <summary>Awaited before each batch of a rebuild: tests hold the rebuild there. Given the rebuild's stopping token.</summary>
    internal Func<CancellationToken, Task>? BeforeRebuildBatch { get; init; }

    /// <summary>How long a failed rebuild waits before it starts over; each failure after doubles it, up to half an hour.</summary>
    internal TimeSpan RebuildRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock of the waits between a rebuild's attempts (tests move it on).</summary>
    internal TimeProvider Time { get; init; } = TimeProvider.System;
}
