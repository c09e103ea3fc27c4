using System.Runtime.ExceptionServices;
using FeedHub.Core.Model;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Group commit of the writes of articles (a poll's, a page extracted): those that arrive while another write is being
/// committed queue up, and the first of them, once it has the write lock, commits every one queued (up to a bound) in
/// one LiteDB transaction. A transaction writes each page it changed to the log once, at its commit: the polls' inserts
/// change some of the same pages (the tails of the id and outbox indexes, the collections' and the header page, data
/// pages partly filled, the upper levels of the skip lists), which one transaction per poll wrote again each time, and
/// the log fills (and is copied into the file, and LiteDB's page cache emptied) that much sooner. A cold poll of 500
/// farm feeds at 16 in flight wrote 114 pages of 8 KB to the log per feed, and 89 with groups (1.45 polls a group: the
/// polls ingesting at once are few). Each caller still returns once its own write is committed and its articles
/// indexed. A write that throws is left out and the others committed without it, its caller getting its exception; a
/// commit that fails is tried again for each write alone, so each caller learns the outcome of its own, unless the
/// group is in the file all the same (see <see cref="IsInTheFile"/>): its writes are then committed.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    /// <summary>
    /// A group's bounds: the writes waiting for the write lock (a change of a source, a rebuild's batch) wait for the
    /// whole group, and its changed pages are held in memory until its commit. A farm feed's first poll is 20 articles.
    /// </summary>
    private const int MaxGroupWrites = 32;
    private const int MaxGroupArticles = 400;

    /// <summary>The writes waiting for a group; also the lock of <see cref="_combining"/>.</summary>
    private readonly Queue<QueuedWrite> _queuedWrites = new();

    /// <summary>True while a writer commits groups (or is woken to): the others queue and wait for it. False only with no write queued.</summary>
    private bool _combining;

    private long _writeTransactions;

    /// <summary>Transactions that committed searchable writes since the store opened (tests tell groups by it).</summary>
    internal long WriteTransactions => Interlocked.Read(ref _writeTransactions);

    /// <summary>Writes waiting for a group to take them (tests wait for them).</summary>
    internal int QueuedWrites
    {
        get
        {
            lock (_queuedWrites)
            {
                return _queuedWrites.Count;
            }
        }
    }

    /// <summary>
    /// Queues a write of articles, then waits until a group commits it, or until it is its turn to commit the writes
    /// queued (its own the first): it takes the write lock, commits a group, and hands the turn to the first write left
    /// in the queue, if any, so no caller waits for more than its own group.
    /// </summary>
    private void CommitInGroup(QueuedWrite queued)
    {
        bool combines;
        lock (_queuedWrites)
        {
            _queuedWrites.Enqueue(queued);
            combines = !_combining;
            _combining = true;
        }

        if (!combines && !queued.WaitForTurn())
        {
            return;
        }

        try
        {
            lock (_writeLock)
            {
                CommitGroup(TakeGroup());
            }
        }
        finally
        {
            lock (_queuedWrites)
            {
                if (_queuedWrites.TryPeek(out var next))
                {
                    next.Combine();
                }
                else
                {
                    _combining = false;
                }
            }
        }
    }

    /// <summary>The writes at the head of the queue, within the bounds: at least the first (the combiner's own).</summary>
    private List<QueuedWrite> TakeGroup()
    {
        lock (_queuedWrites)
        {
            var group = new List<QueuedWrite>();
            var articles = 0;
            while (group.Count < MaxGroupWrites && _queuedWrites.TryPeek(out var next)
                && (group.Count == 0 || articles + next.Articles.Count <= MaxGroupArticles))
            {
                group.Add(_queuedWrites.Dequeue());
                articles += next.Articles.Count;
            }

            return group;
        }
    }

    /// <summary>
    /// Under the write lock: runs the writes in one transaction, in order, each recording its search outbox entry, and
    /// commits them; then gives each its indexing turn and lets its caller go on. Every write of the group ends committed
    /// or failed, whatever fails.
    /// </summary>
    /// <param name="again">Whether the group is done again after its engine closed under it (once at most).</param>
    private void CommitGroup(List<QueuedWrite> group, bool again = false)
    {
        try
        {
            var failure = RunInTransaction(group);
            if (failure is { AtCommit: true } && IsInTheFile(group))
            {
                // Its commit threw once LiteDB had confirmed it: committed. Done again, its inserts would collide with
                // its own articles, and its outbox entries, passed over, would leave them out of the search index.
                Interlocked.Increment(ref _writeTransactions);
                failure = null;
            }

            if (failure is null)
            {
                foreach (var write in group)
                {
                    BeginIndexing(write);
                }
            }
            else if (!again && failure.Value.Exception is TransactionDroppedException or DatabaseEngineException { EngineClosed: true })
            {
                // The engine was closed under the transaction before its commit took (replaced after another call
                // failed, or closed by LiteDB on a check of its own failing in this one or another, the closing
                // disposing what the transaction was using): nothing of it was committed, it is no write's own
                // failure, and the engine is opened again. The group is done again, once, on that one.
                CommitGroup(group, again: true);
            }
            else if (group.Count == 1)
            {
                group[0].Fail(failure.Value.Exception);
            }
            else if (failure.Value.Write is { } failed)
            {
                // That write threw: it is left out, and the others are run again without it.
                failed.Fail(failure.Value.Exception);
                CommitGroup(group.Where(write => write != failed).ToList(), again);
            }
            else
            {
                // The transaction failed to begin or to commit (a full disk), and is not in the file: each write alone,
                // as each was before groups.
                foreach (var write in group)
                {
                    CommitGroup([write], again);
                }
            }
        }
        catch (Exception failure)
        {
            // Whatever else fails (indexing a source under the lock, reading whether a commit that threw is in the file:
            // then nobody can tell, and each write's caller tries it again) fails the writes not done yet.
            foreach (var write in group)
            {
                write.Fail(failure);
            }
        }
    }

    /// <summary>
    /// Runs the writes in one transaction and commits it; on failure rolls it back and tells which write threw (none:
    /// the transaction's beginning or its commit) and whether the commit had begun (what it wrote may be in the log).
    /// </summary>
    private (QueuedWrite? Write, bool AtCommit, Exception Exception)? RunInTransaction(List<QueuedWrite> group)
    {
        var outboxBefore = _lastOutboxId;
        var markedStaleBefore = _searchMarkedStale;
        QueuedWrite? running = null;
        var atCommit = false;
        try
        {
            _database.BeginTrans();
            foreach (var write in group)
            {
                running = write;
                write.Write();
                RecordForSearch(write);
            }

            running = null;
            atCommit = true;
            _database.Commit();
            Interlocked.Increment(ref _writeTransactions);
            return null;
        }
        catch (Exception failure)
        {
            try
            {
                _database.Rollback();
            }
            catch (IOException)
            {
                // The engine failed under the transaction (closed, or a full disk refusing the pages a rollback gives
                // back): it is replaced, and the transaction dropped with it. What ended the transaction is what is told.
            }

            // A commit that threw may be in the file all the same (LiteDB checkpoints after it confirms the
            // transaction, and a full disk fails that): its outbox positions are then taken, and used again they would
            // fail every later group's insert. Positions left unused are only a gap, which indexing turns pass over.
            if (!atCommit)
            {
                _lastOutboxId = outboxBefore;
            }

            _searchMarkedStale = markedStaleBefore;
            return (running, atCommit, failure);
        }
    }

    /// <summary>
    /// Whether a group's transaction whose commit threw is in the file all the same: LiteDB confirms a transaction in
    /// its log and then checkpoints the log into the file, and a full disk fails either step. Read on the engine opened
    /// since, by the group's first search outbox entry, or, without the search index, its first article added. A group
    /// with neither (updates alone, without the index) is taken as not in it: done again, its updates change nothing more.
    /// </summary>
    private bool IsInTheFile(List<QueuedWrite> group)
    {
        if (group.Find(write => write.Position > 0) is { } recorded)
        {
            return Read(() => _outbox.FindById(recorded.Position) is not null);
        }

        return group.Find(write => write.Inserted > 0) is { } inserting && Read(() => _articles.FindById(inserting.Articles[0].Id) is not null);
    }

    /// <summary>Within the write's transaction: one search outbox entry for the write, not one per article (each insert cost index and log work of its own).</summary>
    private void RecordForSearch(QueuedWrite write)
    {
        if (write.Articles.Count == 0 && write.Sources.Count == 0)
        {
            return;
        }

        if (_search is not null)
        {
            write.Position = ++_lastOutboxId;
            _outbox.Insert(new BsonDocument
            {
                ["_id"] = write.Position,
                [OutboxArticles] = new BsonArray(write.Articles.Select(article => new BsonValue(article.Id))),
                [OutboxSources] = new BsonArray(write.Sources.Select(source => new BsonValue(source))),
            });
        }
        else if (!_searchMarkedStale)
        {
            // Written without the index: the next opening with search must rebuild it.
            NewSearchStore();
            _searchMarkedStale = true;
        }
    }

    /// <summary>A write waiting for its group, and what became of it.</summary>
    private sealed class QueuedWrite(Action write, IReadOnlyList<Article> articles, IReadOnlyCollection<long> sources, int inserted)
    {
        private readonly object _gate = new();
        private Turn _turn;
        private ExceptionDispatchInfo? _failure;

        private enum Turn
        {
            Waiting,
            Combine,
            Done,
        }

        public Action Write { get; } = write;

        public IReadOnlyList<Article> Articles { get; } = articles;

        public IReadOnlyCollection<long> Sources { get; } = sources;

        /// <summary>How many of <see cref="Articles"/>, the first ones, the write adds.</summary>
        public int Inserted { get; } = inserted;

        /// <summary>Its search outbox entry's position, once recorded.</summary>
        public long Position { get; set; }

        /// <summary>Once committed, the articles its caller indexes; null when it has nothing to index.</summary>
        public IReadOnlyList<Article>? Indexed { get; private set; }

        /// <summary>Waits until the write is done (false) or it is its turn to commit a group (true).</summary>
        public bool WaitForTurn()
        {
            lock (_gate)
            {
                while (_turn == Turn.Waiting)
                {
                    Monitor.Wait(_gate);
                }

                return _turn == Turn.Combine;
            }
        }

        public void Combine() => Move(Turn.Combine, null, null);

        public void Committed(IReadOnlyList<Article>? indexed) => Move(Turn.Done, indexed, null);

        public void Fail(Exception failure) => Move(Turn.Done, null, failure);

        /// <summary>On the caller's thread: its write's own exception, if it failed.</summary>
        public void ThrowIfFailed() => _failure?.Throw();

        private void Move(Turn turn, IReadOnlyList<Article>? indexed, Exception? failure)
        {
            lock (_gate)
            {
                // A write done stays as it ended (a failure after its group's commit fails only the writes not done).
                if (_turn == Turn.Done)
                {
                    return;
                }

                _turn = turn;
                Indexed = indexed;
                _failure = failure is null ? null : ExceptionDispatchInfo.Capture(failure);
                Monitor.PulseAll(_gate);
            }
        }
    }
}
