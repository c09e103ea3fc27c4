namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    public Task<bool> RemoveCuratorAsync(long id, CancellationToken cancellationToken)
    {
        Sessions.DeleteMany(s => s.CuratorId == id);
        return Task.FromResult(_curators.Delete(id));
    }
}
