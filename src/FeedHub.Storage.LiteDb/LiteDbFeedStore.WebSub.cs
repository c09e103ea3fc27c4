using FeedHub.Core.WebSub;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    private readonly Lock _webSubLock = new();
    private ILiteCollection<HubSubscription>? _hubSubscriptions;
    private ILiteCollection<SourcePush>? _sourcePushes;

    /// <summary>
    /// The sources that may have a push document (every one that has, and at most a few whose document went with a
    /// removal): every poll asks for its source's, and nearly all have none, which a look-up of the file answered only
    /// after parsing and running a query. The file belongs to this process, so the set is read from it once and kept
    /// with each write, under <see cref="_webSubLock"/>.
    /// </summary>
    private HashSet<long> _pushedSources = [];

    private ILiteCollection<HubSubscription> HubSubscriptions
    {
        get
        {
            // Polls run in parallel: the first users must not see a half-configured mapper or collection.
            lock (_webSubLock)
            {
                if (_hubSubscriptions is null)
                {
                    var collection = _database.GetCollection<HubSubscription>("websub_subscriptions", BsonAutoId.Int64);
                    collection.EnsureIndex(nameof(HubSubscription.Callback));
                    _hubSubscriptions = collection;
                }

                return _hubSubscriptions;
            }
        }
    }

    /// <summary>One document per source, keyed by the source's id.</summary>
    private ILiteCollection<SourcePush> SourcePushes
    {
        get
        {
            lock (_webSubLock)
            {
                if (_sourcePushes is null)
                {
                    _mapper.Entity<SourcePush>().Id(p => p.SourceId, autoId: false);
                    _sourcePushes = _database.GetCollection<SourcePush>("source_push");
                    _pushedSources = [.. _database.GetCollection(_sourcePushes.Name).Query().Select("_id").ToEnumerable().Select(d => d["_id"].AsInt64)];
                }

                return _sourcePushes;
            }
        }
    }

    public Task<HubSubscription> UpsertHubSubscriptionAsync(HubSubscription subscription, CancellationToken cancellationToken)
    {
        lock (_webSubLock)
        {
            var stored = Find(subscription.Topic, subscription.Callback);
            if (stored is null)
            {
                HubSubscriptions.Insert(subscription);
                return Task.FromResult(subscription);
            }

            stored.Secret = subscription.Secret;
            stored.LeaseSeconds = subscription.LeaseSeconds;
            stored.ExpiresAt = subscription.ExpiresAt;
            stored.VerifiedAt = subscription.VerifiedAt;
            HubSubscriptions.Update(stored);
            return Task.FromResult(stored);
        }
    }

    public Task UpdateHubSubscriptionAsync(HubSubscription subscription, CancellationToken cancellationToken)
    {
        lock (_webSubLock)
        {
            if (HubSubscriptions.FindById(subscription.Id) is { } stored)
            {
                (stored.ContentHash, stored.DeliveredAt, stored.Deliveries) = (subscription.ContentHash, subscription.DeliveredAt, subscription.Deliveries);
                (stored.FailedAttempts, stored.LastError, stored.LastErrorAt) = (subscription.FailedAttempts, subscription.LastError, subscription.LastErrorAt);
                HubSubscriptions.Update(stored);
            }
        }

        return Task.CompletedTask;
    }

    public Task<HubSubscription?> GetHubSubscriptionAsync(long id, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<HubSubscription?>(HubSubscriptions.FindById(id)));

    public Task<HubSubscription?> FindHubSubscriptionAsync(string topic, string callback, CancellationToken cancellationToken)
        => Read(() => Task.FromResult(Find(topic, callback)));

    public Task<IReadOnlyList<HubSubscription>> ListHubSubscriptionsAsync(CancellationToken cancellationToken)
        => Read(() => Task.FromResult<IReadOnlyList<HubSubscription>>(HubSubscriptions.Query().OrderBy("_id").ToList()));

    public Task<bool> RemoveHubSubscriptionAsync(long id, CancellationToken cancellationToken)
    {
        lock (_webSubLock)
        {
            return Task.FromResult(HubSubscriptions.Delete(id));
        }
    }

    public Task<int> RemoveHubSubscriptionsExpiredBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        lock (_webSubLock)
        {
            return Task.FromResult(HubSubscriptions.DeleteMany(Query.LT(nameof(HubSubscription.ExpiresAt), new BsonValue(cutoff.UtcDateTime))));
        }
    }

    public Task<SourcePush?> GetSourcePushAsync(long sourceId, CancellationToken cancellationToken) => Read(() =>
    {
        var pushes = SourcePushes;
        lock (_webSubLock)
        {
            if (!_pushedSources.Contains(sourceId))
            {
                return Task.FromResult<SourcePush?>(null);
            }
        }

        return Task.FromResult<SourcePush?>(pushes.FindById(sourceId));
    });

    public Task SaveSourcePushAsync(SourcePush push, CancellationToken cancellationToken)
    {
        lock (_webSubLock)
        {
            if (SourcePushes.FindById(push.SourceId) is { } stored)
            {
                (push.PushesReceived, push.PushesRefused, push.LastPushAt) = (stored.PushesReceived, stored.PushesRefused, stored.LastPushAt);
                (push.LastRefusal, push.LastRefusalAt) = (stored.LastRefusal, stored.LastRefusalAt);
            }

            // Named before it is written: a write that fails after it is in the file still leaves it found.
            _pushedSources.Add(push.SourceId);
            SourcePushes.Upsert(push);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SourcePush>> ListSourcePushesAsync(CancellationToken cancellationToken)
        => Read(() => Task.FromResult<IReadOnlyList<SourcePush>>(SourcePushes.Query().OrderBy("_id").ToList()));

    public Task<bool> RemoveSourcePushAsync(long sourceId, CancellationToken cancellationToken)
    {
        lock (_webSubLock)
        {
            var removed = SourcePushes.Delete(sourceId);
            _pushedSources.Remove(sourceId);
            return Task.FromResult(removed);
        }
    }

    public Task CountPushAsync(long sourceId, string? refusal, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_webSubLock)
        {
            if (SourcePushes.FindById(sourceId) is { } push)
            {
                if (refusal is null)
                {
                    push.PushesReceived++;
                    push.LastPushAt = at;
                }
                else
                {
                    push.PushesRefused++;
                    push.LastRefusal = refusal;
                    push.LastRefusalAt = at;
                }

                SourcePushes.Update(push);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A removed source's push subscription goes with it (ids of removed sources can be given again). Its id stays in
    /// <see cref="_pushedSources"/>: the removal is part of a transaction that may yet be rolled back.
    /// </summary>
    private void ForgetPushOf(long sourceId)
    {
        lock (_webSubLock)
        {
            SourcePushes.Delete(sourceId);
        }
    }

    private HubSubscription? Find(string topic, string callback)
        => HubSubscriptions.Find(Where.Equal(nameof(HubSubscription.Callback), callback)).FirstOrDefault(s => s.Topic == topic);
}
