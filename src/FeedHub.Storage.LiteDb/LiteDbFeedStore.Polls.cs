using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
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
        // Under the write lock, so no other write comes between reading the source and saving it.
        lock (_writeLock)
        {
            if (_sources.FindById(poll.SourceId) is not { } stored)
            {
                return Task.CompletedTask;
            }

            poll.ApplyTo(stored);
            return UpdateSourceAsync(stored, cancellationToken);
        }
    }
}
