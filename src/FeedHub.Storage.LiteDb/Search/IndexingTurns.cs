namespace FeedHub.Storage.LiteDb.Search;

/// <summary>
/// Writes whose articles are being indexed after their commit, outside the store's write lock, several at once (the
/// analysis of an article's text was a third of the time a poll held that lock). Kept in step with the outbox:
/// <list type="bullet">
/// <item>the watermark, the outbox position every write up to which is in the index, stops below the oldest write
/// still indexing, so an index commit never claims a write it may not hold yet;</item>
/// <item>an article named by two writes in flight is indexed by the newer only: one at a time per article, and the
/// older skips it when a newer write has named it since, so the index never ends on the older version;</item>
/// <item>a write that indexes a source's articles again (a rename, a removal) waits for the writes indexing articles
/// of that source, and only those.</item>
/// </list>
/// A batch of a background rebuild takes its turn like a write (at a position of its own, with no outbox entry), so a
/// write that names one of its articles after the batch was read is indexed after it, or in its place.
/// 
/// </summary>
internal sealed class IndexingTurns(long committedPosition)
{
    private readonly object _gate = new();
    private readonly SortedSet<long> _inFlight = [];
    private readonly Dictionary<long, ArticleTurn> _articles = [];
    private readonly Dictionary<long, int> _sources = [];
    private long _committedPosition = committedPosition;

    /// <summary>Every write up to this outbox position is in the index.</summary>
    public long Watermark
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count == 0 ? _committedPosition : _inFlight.Min - 1;
            }
        }
    }

    /// <summary>
    /// A write committed at outbox <paramref name="position"/> is to index <paramref name="articles"/> (their ids and
    /// sources); called under the write lock, so positions come in order.
    /// </summary>
    public void Begin(long position, IEnumerable<(long Id, long SourceId)> articles)
    {
        lock (_gate)
        {
            _committedPosition = position;
            _inFlight.Add(position);
            foreach (var article in articles)
            {
                if (!_articles.TryGetValue(article.Id, out var turn))
                {
                    turn = new ArticleTurn();
                    _articles[article.Id] = turn;
                }

                turn.Newest = position;
                turn.Writes++;
                _sources[article.SourceId] = _sources.GetValueOrDefault(article.SourceId) + 1;
            }
        }
    }

    /// <summary>Indexes an article for the write at <paramref name="position"/>, unless a newer write named it since.</summary>
    public void Index(long position, long articleId, Action index)
    {
        ArticleTurn turn;
        lock (_gate)
        {
            turn = _articles[articleId];
        }

        lock (turn)
        {
            // A newer write that names the article after this check indexes it after this indexing, under this lock.
            if (Volatile.Read(ref turn.Newest) == position)
            {
                index();
            }
        }
    }

    /// <summary>The write at <paramref name="position"/> is done indexing (or failed at it).</summary>
    public void End(long position, IEnumerable<(long Id, long SourceId)> articles)
    {
        lock (_gate)
        {
            _inFlight.Remove(position);
            foreach (var article in articles)
            {
                if (--_articles[article.Id].Writes == 0)
                {
                    _articles.Remove(article.Id);
                }

                if (--_sources[article.SourceId] == 0)
                {
                    _sources.Remove(article.SourceId);
                }
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until no write is indexing articles of <paramref name="sourceIds"/>; under the write lock, so none begins meanwhile.</summary>
    public void WaitForSources(IReadOnlyCollection<long> sourceIds)
    {
        lock (_gate)
        {
            while (sourceIds.Any(_sources.ContainsKey))
            {
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Waits until no write is indexing; under the write lock, so none begins meanwhile.</summary>
    public void WaitForAll()
    {
        lock (_gate)
        {
            while (_inFlight.Count > 0)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private sealed class ArticleTurn
    {
        public long Newest;
        public int Writes;
    }
}
