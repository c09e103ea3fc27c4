using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    private readonly Lock _pendingPollsLock = new();
    private readonly List<PendingPoll> _pendingPolls = [];

    public Task<IReadOnlyList<KnownArticle>> GetKnownArticlesAsync(long sourceId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<KnownArticle>>([]);
        }

        // Only the three fields are read out of each document: no article text is decoded.
        var known = _articles.Query()
            .Where(Where.In(Identity, keys.Select(key => new BsonValue(IdentityOf(sourceId, key)))))
            .Select("{ _id, Key, ContentHash }")
            .ToEnumerable()
            .Select(d => new KnownArticle(d["_id"].AsInt64, d["Key"].AsString, d["ContentHash"].AsString))
            .ToList();
        return Task.FromResult<IReadOnlyList<KnownArticle>>(known);
    }

    public Task SavePollAsync(PollResult poll, CancellationToken cancellationToken)
    {
        // Group commit: the poll waits for the write lock with the others that ended meanwhile, and whichever thread
        // takes the lock first writes them all in one transaction. A poll that did not change its feed (a 304) is then
        // a read and an update of its source, not a transaction of its own.
        var pending = new PendingPoll(poll);
        lock (_pendingPollsLock)
        {
            _pendingPolls.Add(pending);
        }

        lock (_writeLock)
        {
            if (!pending.Written)
            {
                SavePendingPolls();
            }
        }

        return pending.Failure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    /// <summary>
    /// Under the write lock, so no other write comes between reading a source and saving it: every poll waiting, onto
    /// its source as stored, in one transaction. A refused transaction fails every poll of it (none was saved).
    /// </summary>
    private void SavePendingPolls()
    {
        List<PendingPoll> batch;
        lock (_pendingPollsLock)
        {
            batch = [.. _pendingPolls];
            _pendingPolls.Clear();
        }

        var saved = new List<Source>(batch.Count);
        var renamed = new List<long>();
        var readersSeeChanges = false;
        try
        {
            WriteSearchable(() =>
            {
                foreach (var pending in batch)
                {
                    if (_sources.FindById(pending.Poll.SourceId) is not { } stored)
                    {
                        continue;
                    }

                    var (feedUrl, siteUrl, title, state) = (stored.FeedUrl, stored.SiteUrl, stored.Title, stored.State);
                    pending.Poll.ApplyTo(stored);
                    _sources.Update(stored);
                    saved.Add(stored);
                    if (stored.Title != title)
                    {
                        // The search index holds the source's names with its articles.
                        renamed.Add(stored.Id);
                    }

                    readersSeeChanges |= stored.FeedUrl != feedUrl || stored.SiteUrl != siteUrl || stored.Title != title || stored.State != state;
                }
            }, [], renamed);
        }
        catch (Exception failure)
        {
            batch.ForEach(pending => pending.Failed(failure));
            return;
        }

        // Only once the write is in the file: a refused write leaves the listing index as it was.
        saved.ForEach(_sourceDirectory.Put);
        if (readersSeeChanges)
        {
            SourcesChanged();
        }

        batch.ForEach(pending => pending.Written = true);
    }

    /// <summary>A poll waiting for its group's transaction.</summary>
    private sealed class PendingPoll(PollResult poll)
    {
        public PollResult Poll { get; } = poll;

        public bool Written { get; set; }

        public Exception? Failure { get; private set; }

        public void Failed(Exception failure) => (Failure, Written) = (failure, true);
    }
}
