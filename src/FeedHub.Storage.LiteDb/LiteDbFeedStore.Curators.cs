namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    public Task<bool> RemoveCuratorAsync(long id, CancellationToken cancellationToken) => Task.FromResult(_curators.Delete(id));
}
