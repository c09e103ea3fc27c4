using FeedHub.Core.Model;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    private ILiteCollection<CuratorSession>? _sessions;

    /// <summary>The sessions with their indexes (made on first use: files from before sessions lack them).</summary>
    private ILiteCollection<CuratorSession> Sessions
    {
        get
        {
            if (_sessions is null)
            {
                var sessions = _database.GetCollection<CuratorSession>("sessions", BsonAutoId.Int64);
                sessions.EnsureIndex(s => s.KeyHash, unique: true);
                sessions.EnsureIndex(s => s.CuratorId);
                sessions.EnsureIndex(s => s.ExpiresAt);
                _sessions = sessions;
            }

            return _sessions;
        }
    }

    public Task<CuratorSession> AddSessionAsync(CuratorSession session, CancellationToken cancellationToken)
    {
        Sessions.Insert(session);
        return Task.FromResult(session);
    }

    public Task<CuratorSession?> GetSessionAsync(string keyHash, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<CuratorSession?>(Sessions.FindOne(s => s.KeyHash == keyHash)));

    public Task UpdateSessionAsync(CuratorSession session, CancellationToken cancellationToken)
    {
        Sessions.Update(session);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CuratorSession>> ListSessionsAsync(long curatorId, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<IReadOnlyList<CuratorSession>>(
            Sessions.Find(s => s.CuratorId == curatorId).OrderByDescending(s => s.LastSeenAt).ThenByDescending(s => s.Id).ToList()));

    public Task<bool> RemoveSessionAsync(long id, CancellationToken cancellationToken) => Task.FromResult(Sessions.Delete(id));

    public Task<int> RemoveCuratorSessionsAsync(long curatorId, CancellationToken cancellationToken)
        => Task.FromResult(Sessions.DeleteMany(s => s.CuratorId == curatorId));

    public Task<int> RemoveExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
        => Task.FromResult(Sessions.DeleteMany(Query.LT(nameof(CuratorSession.ExpiresAt), new BsonValue(now.UtcDateTime))));
}
