using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb.Search;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Full-text search with a Lucene index beside the LiteDB file (<c>feedhub.db</c> → <c>feedhub.search/</c>).
/// Every write that changes what is searched also records, in the same LiteDB transaction, which articles or sources
/// to index again (the search outbox). One background indexer then analyses them, in the order of the outbox, off the
/// write lock: a poll's transaction does not carry Lucene's analysis, so polls are not serialised behind it. A search
/// waits for the indexer to reach the writes made before it, so a write is still found at once. The index is committed
/// to disk every few seconds with the outbox position it covers. On opening, the outbox past that position is
/// replayed, so a crash at any moment leaves the index at most a replay behind; a missing, foreign or unreadable index
/// is rebuilt from the articles.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    private const string SearchStoreSetting = "search.store";
    private const string OutboxArticle = "Article";
    private const string OutboxSource = "Source";

    /// <summary>Past this many outbox entries the index is committed at once, so a replay stays short.</summary>
    private const int MaxUncommittedWork = 20_000;

    /// <summary>Past this many articles waiting for the indexer, writers wait for it: memory stays bounded.</summary>
    private const int MaxQueuedArticles = 400;

    private readonly Lock _writeLock = new();

    /// <summary>One commit of the index at a time; never taken while the write lock is held, nor the other way round.</summary>
    private readonly Lock _commitLock = new();

    /// <summary>Guards the indexer's queue and positions; a monitor (not a <see cref="Lock"/>) for its Wait and Pulse when work is queued or done.</summary>
    private readonly object _indexLock = new();
    private readonly Queue<IndexWork> _indexQueue = new();
    private Thread? _indexer;
    private int _queuedArticles;
    private long _queuedOutboxId;
    private long _indexedOutboxId;
    private bool _closingIndexer;
    private Exception? _indexerFailure;

    private ILiteCollection<BsonDocument> _outbox = null!;
    private LuceneArticleIndex? _search;
    private Timer? _commitTimer;
    private string _searchStore = string.Empty;
    private long _lastOutboxId;
    private long _committedOutboxId;
    private bool _searchMarkedStale;

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

        var path = SearchIndexPath(databasePath);
        var (index, commit, rebuildReason) = LuceneArticleIndex.Open(path);
        if (index is not null && commit!.Store != _searchStore)
        {
            index.Dispose();
            (index, rebuildReason) = (null, "the search index belongs to another database");
        }

        if (index is null)
        {
            _search = LuceneArticleIndex.Create(path);
            var count = Reindex();
            SearchIndexState = $"rebuilt {count} articles: {rebuildReason}";
        }
        else
        {
            _search = index;
            _lastOutboxId = Math.Max(_lastOutboxId, commit!.Watermark);
            var replayed = 0;
            foreach (var entry in _outbox.Find(Where.More("_id", commit.Watermark)).ToList())
            {
                Sync(entry);
                replayed++;
            }

            SearchIndexState = replayed == 0 ? "up to date" : $"replayed {replayed} changes the index had not committed";
        }

        _queuedOutboxId = _indexedOutboxId = _lastOutboxId;
        TryCommitSearch();
        _indexer = new Thread(RunIndexer) { IsBackground = true, Name = "FeedHub search indexer" };
        _indexer.Start();
        _commitTimer = new Timer(_ => TryCommitSearch(), null, options.CommitInterval, options.CommitInterval);
    }

    /// <summary>
    /// Runs a write in one transaction with the search outbox entries it calls for, then hands them to the indexer.
    /// Writes are serialised so the outbox positions follow the order of the commits.
    /// </summary>
    private void WriteSearchable(Action write, IReadOnlyCollection<Article> articles, IReadOnlyCollection<long> sources)
    {
        if (articles.Count > 0)
        {
            WaitForIndexerRoom();
        }

        lock (_writeLock)
        {
            var outboxBefore = _lastOutboxId;
            _database.BeginTrans();
            try
            {
                write();
                if (_search is not null)
                {
                    foreach (var article in articles)
                    {
                        _outbox.Insert(new BsonDocument { ["_id"] = ++_lastOutboxId, [OutboxArticle] = article.Id });
                    }

                    foreach (var source in sources)
                    {
                        _outbox.Insert(new BsonDocument { ["_id"] = ++_lastOutboxId, [OutboxSource] = source });
                    }
                }
                else if (!_searchMarkedStale && (articles.Count > 0 || sources.Count > 0))
                {
                    // Written without the index: the next opening with search must rebuild it.
                    NewSearchStore();
                    _searchMarkedStale = true;
                }

                _database.Commit();
            }
            catch
            {
                _database.Rollback();
                _lastOutboxId = outboxBefore;
                throw;
            }

            if (_search is not null && _lastOutboxId > outboxBefore)
            {
                // Queued under the write lock, so the indexer sees the writes in the order of their outbox positions.
                Enqueue(new IndexWork(_lastOutboxId, [.. articles], [.. sources]));
            }
        }
    }

    private void Enqueue(IndexWork work)
    {
        lock (_indexLock)
        {
            if (_indexerFailure is not null || _closingIndexer)
            {
                // The outbox keeps the work: the next opening replays it.
                return;
            }

            _indexQueue.Enqueue(work);
            _queuedArticles += work.Articles.Length;
            _queuedOutboxId = work.OutboxId;
            Monitor.PulseAll(_indexLock);
        }
    }

    private void WaitForIndexerRoom()
    {
        lock (_indexLock)
        {
            while (_queuedArticles >= MaxQueuedArticles && _indexerFailure is null && !_closingIndexer)
            {
                Monitor.Wait(_indexLock);
            }
        }
    }

    /// <summary>Until the indexer holds every write queued so far (or has stopped on a failure).</summary>
    private void WaitForIndexer()
    {
        lock (_indexLock)
        {
            var target = _queuedOutboxId;
            while (_indexedOutboxId < target && _indexerFailure is null && _indexer is not null)
            {
                Monitor.Wait(_indexLock);
            }
        }
    }

    /// <summary>
    /// The indexer's thread: takes the queued writes in order, all that are waiting at once, and adds them to the index.
    /// It stops at the first failure (a full disk): the index then stays at what it holds, the outbox keeps the rest for
    /// the next opening, and searches show what is indexed.
    /// </summary>
    private void RunIndexer()
    {
        var batch = new List<IndexWork>();
        while (true)
        {
            lock (_indexLock)
            {
                while (_indexQueue.Count == 0 && !_closingIndexer)
                {
                    Monitor.Wait(_indexLock);
                }

                if (_indexQueue.Count == 0)
                {
                    return;
                }

                batch.AddRange(_indexQueue);
                _indexQueue.Clear();
            }

            try
            {
                var names = new Dictionary<long, string>();
                foreach (var work in batch)
                {
                    foreach (var article in work.Articles)
                    {
                        _search!.Upsert(article, SourceNamesOf(article.SourceId, names));
                    }

                    foreach (var source in work.Sources)
                    {
                        SyncSource(source, names);
                    }
                }
            }
            catch (Exception e)
            {
                lock (_indexLock)
                {
                    _indexerFailure = e;
                    SearchIndexState = "indexing stopped until the next opening: " + e.Message;
                    _indexQueue.Clear();
                    _queuedArticles = 0;
                    Monitor.PulseAll(_indexLock);
                }

                return;
            }

            lock (_indexLock)
            {
                _indexedOutboxId = batch[^1].OutboxId;
                _queuedArticles -= batch.Sum(work => work.Articles.Length);
                Monitor.PulseAll(_indexLock);
            }

            batch.Clear();
            if (Volatile.Read(ref _indexedOutboxId) - Volatile.Read(ref _committedOutboxId) >= MaxUncommittedWork)
            {
                // A commit of the index that fails (a full disk) is retried later.
                TryCommitSearch();
            }
        }
    }

    private List<Article> SearchArticles(ArticleQuery query, SearchQuery search)
    {
        var index = _search ?? throw SearchIsOff();
        WaitForIndexer();
        var ids = index.Search(query, search);
        if (ids.Count == 0)
        {
            return [];
        }

        var found = _articles.Find(Where.In("_id", ids)).Select(ToArticle).ToDictionary(a => a.Id);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>
    /// Writes the index to disk with the outbox position it covers (what the indexer had added when the commit began:
    /// what it adds meanwhile is in the commit or not, and replayed either way), then forgets the outbox up to there.
    /// Writes go on meanwhile: the disk sync holds only the commit lock.
    /// </summary>
    private void CommitSearch()
    {
        lock (_commitLock)
        {
            if (_search is null)
            {
                return;
            }

            var watermark = Volatile.Read(ref _indexedOutboxId);
            _search.Commit(watermark, _searchStore);
            Volatile.Write(ref _committedOutboxId, watermark);
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

    private void CloseSearch()
    {
        _commitTimer?.Dispose();
        lock (_writeLock)
        {
            // The indexer finishes what is queued first, so the last commit covers every write.
            lock (_indexLock)
            {
                _closingIndexer = true;
                Monitor.PulseAll(_indexLock);
            }

            _indexer?.Join();
            if (_search is not null)
            {
                // On a full disk the index is left as it was: the outbox replays the rest at the next opening.
                TryCommitSearch();
                _search.Dispose();
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

    /// <summary>Indexes every article again, in batches by id so a large file is never held in memory whole.</summary>
    private long Reindex()
    {
        var names = new Dictionary<long, string>();
        long count = 0;
        var after = BsonValue.MinValue;
        while (true)
        {
            var batch = _articles.Query().Where(Where.More("_id", after)).OrderBy("_id").Limit(1000).ToList();
            if (batch.Count == 0)
            {
                return count;
            }

            foreach (var document in batch)
            {
                var article = ToArticle(document);
                _search!.Add(article, SourceNamesOf(article.SourceId, names));
            }

            count += batch.Count;
            after = batch[^1]["_id"];
        }
    }

    private void Sync(BsonDocument entry)
    {
        if (entry.TryGetValue(OutboxArticle, out var articleId))
        {
            if (_articles.FindById(articleId) is { } document)
            {
                var article = ToArticle(document);
                _search!.Upsert(article, SourceNamesOf(article.SourceId, []));
            }
            else
            {
                _search!.Delete(articleId.AsInt64);
            }
        }
        else if (entry.TryGetValue(OutboxSource, out var sourceId))
        {
            SyncSource(sourceId.AsInt64, []);
        }
    }

    /// <summary>A source was renamed or removed: its articles are indexed again as they now stand (or dropped).</summary>
    private void SyncSource(long sourceId, Dictionary<long, string> names)
    {
        _search!.DeleteSource(sourceId);
        foreach (var document in _articles.Find(Where.Equal("SourceId", sourceId)))
        {
            _search.Upsert(ToArticle(document), SourceNamesOf(sourceId, names));
        }
    }

    private string SourceNamesOf(long sourceId, Dictionary<long, string> names)
    {
        if (!names.TryGetValue(sourceId, out var name))
        {
            name = SearchText.SourceNames(_sources.FindById(sourceId));
            names[sourceId] = name;
        }

        return name;
    }
}

/// <summary>A write for the indexer: its last outbox position, the articles it stored and the sources it renamed or removed.</summary>
internal sealed record IndexWork(long OutboxId, Article[] Articles, long[] Sources);

/// <summary>The embedded store's search index.</summary>
public sealed record LiteDbSearchOptions
{
    /// <summary>
    /// False opens the store without its index (copying a file elsewhere, measuring ingest without indexing): searches
    /// are refused, and the first write marks the index for a rebuild at the next opening with search.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often the index is written to disk; what a crash loses in between is replayed from the outbox.</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(5);
}
