using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    public Task<IReadOnlyList<KnownArticle>> GetKnownArticlesAsync(long sourceId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => Read(() =>
    {
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<KnownArticle>>([]);
        }

        // A source's first poll (every item new) would seek the identity index once per item, only to find nothing; one
        // seek of the source index, read from the index alone (no document), tells that first.
        if (!HasArticles(sourceId))
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
    });

    /// <summary>Selecting the indexed field alone lets LiteDB answer from the index's key, without reading the article.</summary>
    private bool HasArticles(long sourceId)
        => _articles.Query().Where(Where.Equal("SourceId", sourceId)).Select("SourceId").Limit(1).FirstOrDefault() is not null;

    public Task SavePollAsync(PollResult poll, CancellationToken cancellationToken)
    {
        // Under the write lock, so no other write comes between reading the source and saving it. The source is read
        // once (as kept in memory: every write of a source keeps it there under this lock), and a poll that renamed
        // nothing (a 304, nearly every poll) or a source without articles is one update of its document, without the
        // search outbox's transaction: the search index reads only the names, and only articles carry them. Under the
        // write lock, which every write of articles takes, no article of the source can be stored between the look-up
        // and the update.
        lock (_writeLock)
        {
            if (_sourceDirectory.Get(poll.SourceId) is not { } stored || !poll.IsAbout(stored))
            {
                return Task.CompletedTask;
            }

            var (feedUrl, siteUrl, title, state) = (stored.FeedUrl, stored.SiteUrl, stored.Title, stored.State);
            poll.ApplyTo(stored);
            if (poll.MovedTo is not null && HolderOf(stored) is { } holder)
            {
                SourceAddress.MarkDuplicate(stored, holder.Id);
            }

            // A source's first poll learns its title before it stores its first articles: with none stored yet there
            // is nothing in the search index under its names, and the articles are indexed under the new title.
            if (stored.Title != title && HasArticles(stored.Id))
            {
                WriteSearchable(() => _sources.Update(stored), [], [stored.Id]);
            }
            else
            {
                _sources.Update(stored);
            }

            // Only once the write is in the file: a refused write leaves the listing index as it was.
            _sourceDirectory.Put(stored);
            if (stored.FeedUrl != feedUrl || stored.SiteUrl != siteUrl || stored.Title != title || stored.State != state)
            {
                SourcesChanged();
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The learned feed, the articles (with their search outbox entry) and the poll's state in one transaction, in a
    /// group with the other writes of articles queued (<see cref="CommitInGroup"/>): a first poll of a feed was three
    /// commits (its title, its articles, its state), each writing the pages it changed to the log, and the source's
    /// pages twice. Nothing is saved, articles included, when the source was removed or moved away from the polled
    /// address: that is decided under the write lock, within the transaction. A poll that renames a source whose
    /// articles are indexed under its old name indexes them again, which a write naming the source does alone.
    /// </summary>
    public Task SavePollWithArticlesAsync(PollResult poll, IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates, CancellationToken cancellationToken)
    {
        var articlesWrite = ArticlesWrite(inserts, updates);
        // Known only under the write lock, and seldom so (a blog renamed): the write is then rolled back and done again.
        var renames = false;

        // The source's names as the write stores them, for indexing its articles: read again after the commit, the
        // source was a third read per poll. A rename coming in between indexes the articles again once they are.
        var names = new Dictionary<long, string>();
        while (true)
        {
            Source? before = null;
            Source? saved = null;
            try
            {
                WriteSearchable(
                    () =>
                    {
                        (before, saved) = (null, null);
                        if (_sourceDocuments.FindById(poll.SourceId) is not { } document
                            || _mapper.ToObject<Source>(document) is var stored && !poll.IsAbout(stored))
                        {
                            throw new PollNotSavedException(renames: false);
                        }

                        // A second copy of the one document read (a second read of the file cost a look-up and its
                        // decoding): what the listing index takes back if the write fails after this.
                        before = _mapper.ToObject<Source>(document);
                        poll.ApplyTo(stored);
                        if (poll.MovedTo is not null && HolderOf(stored) is { } holder)
                        {
                            SourceAddress.MarkDuplicate(stored, holder.Id);
                        }

                        if (!renames && stored.Title != before.Title && HasArticles(stored.Id))
                        {
                            throw new PollNotSavedException(renames: true);
                        }

                        _sources.Update(stored);
                        _sourceDirectory.Put(stored);
                        articlesWrite();
                        saved = stored;
                        names[stored.Id] = SearchText.SourceNames(stored);
                    },
                    [.. inserts, .. updates],
                    renames ? [poll.SourceId] : [],
                    inserted: inserts.Count,
                    names);
            }
            catch (PollNotSavedException notSaved)
            {
                if (!notSaved.Renames)
                {
                    return Task.CompletedTask;
                }

                renames = true;
                continue;
            }
            catch when (before is not null)
            {
                lock (_writeLock)
                {
                    RestoreSourceDirectory(poll.SourceId, before);
                }

                throw;
            }

            ArticlesChanged([.. inserts, .. updates]);
            if (saved is not null && !before!.LooksTheSameToReadersAs(saved))
            {
                SourcesChanged();
            }

            return Task.CompletedTask;
        }
    }

    public Task SaveFetchStatesAsync(IReadOnlyCollection<PollResult> polls, CancellationToken cancellationToken)
    {
        // One transaction, one commit: the log is written once for the batch instead of once per poll. Under the write
        // lock, as every write of a source. Fetch state alone moves no name, address or state: the search index and
        // the listeners of source changes are not told; the listing index is when the health rank moved (a quiet
        // poll's seldom does: its entry, names and address keys rebuilt, was most of the save), and the sources kept
        // in memory always, once the batch is in the file.
        lock (_writeLock)
        {
            var saved = new List<(Source Source, bool Reranked)>();
            // As kept in memory, which under the write lock is as the file holds them: a query of the file for the
            // batch was a seek and a mapping each.
            var sources = _sourceDirectory.Get(polls.Select(poll => poll.SourceId));
            _database.BeginTrans();
            try
            {
                foreach (var poll in polls)
                {
                    if (poll.Fetch is not { } fetch || !sources.TryGetValue(poll.SourceId, out var stored) || !poll.IsAbout(stored)
                        || stored.Fetch.PollCount >= fetch.PollCount)
                    {
                        continue;
                    }

                    var health = SourceHealthRules.Judge(stored).Status;
                    // The fetch state alone, with a refresh's next poll time stored meanwhile kept.
                    poll.ApplyTo(stored);
                    _sources.Update(stored);
                    saved.Add((stored, SourceHealthRules.Judge(stored).Status != health));
                }

                _database.Commit();
            }
            catch
            {
                try
                {
                    _database.Rollback();
                }
                catch (IOException)
                {
                    // The engine failed under the transaction: it is replaced, and the transaction dropped with it.
                }

                // A commit that threw may be in the file all the same (a full disk failing the checkpoint after LiteDB
                // confirmed it): what is kept in memory follows the file, when it can be read.
                KeepAsInTheFile(sources.Keys);
                throw;
            }

            foreach (var (source, reranked) in saved)
            {
                if (reranked)
                {
                    _sourceDirectory.Put(source);
                }
                else
                {
                    _sourceDirectory.Keep(source);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Under the write lock, after a failed write: the sources kept in memory as the file holds them, unless it cannot be read now.</summary>
    private void KeepAsInTheFile(IEnumerable<long> ids)
    {
        List<Source> stored;
        try
        {
            stored = Read(() => _sources.Find(Where.In("_id", ids)).ToList());
        }
        catch (IOException)
        {
            // Nobody can tell: the sources stay as they were before the write.
            return;
        }

        stored.ForEach(_sourceDirectory.Put);
    }
}

/// <summary>
/// Thrown within a poll's write to roll it back, nothing of it saved: the source was removed or moved away from the
/// polled address (<paramref name="renames"/> false), or the poll renames a source with articles indexed under its
/// old name, a write to do again naming the source (true).
/// </summary>
internal sealed class PollNotSavedException(bool renames) : Exception
{
    public bool Renames { get; } = renames;
}
