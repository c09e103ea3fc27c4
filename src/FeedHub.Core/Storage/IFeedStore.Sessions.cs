using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

/// <summary>Curator sign-in sessions kept on the server.</summary>
public partial interface IFeedStore
{
    /// <summary>Stores a new session and gives it an id.</summary>
    Task<CuratorSession> AddSessionAsync(CuratorSession session, CancellationToken cancellationToken);

    /// <summary>The session whose key has this hash; null when it was ended or never existed.</summary>
    Task<CuratorSession?> GetSessionAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>Saves a session's last use, expiry, address and ticket.</summary>
    Task UpdateSessionAsync(CuratorSession session, CancellationToken cancellationToken);

    /// <summary>A curator's sessions, most recently used first.</summary>
    Task<IReadOnlyList<CuratorSession>> ListSessionsAsync(long curatorId, CancellationToken cancellationToken);

    /// <summary>Ends one session. False if there was none.</summary>
    Task<bool> RemoveSessionAsync(long id, CancellationToken cancellationToken);

    /// <summary>Ends every session of a curator; returns how many there were.</summary>
    Task<int> RemoveCuratorSessionsAsync(long curatorId, CancellationToken cancellationToken);

    /// <summary>Forgets the sessions that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> RemoveExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
