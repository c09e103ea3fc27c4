namespace FeedHub.Core.Storage;

/// <summary>Curator accounts beyond adding and updating them.</summary>
public partial interface IFeedStore
{
    /// <summary>Removes a curator with their tokens and sessions. False if there was none.</summary>
    Task<bool> RemoveCuratorAsync(long id, CancellationToken cancellationToken);
}
