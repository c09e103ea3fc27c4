using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    /// <summary>
    /// When the store opens: a file written before FeedHub kept one source per feed address may hold several sources
    /// at one. The first added (lowest id) keeps the address; each later one keeps its articles and history and
    /// becomes its paused duplicate, which a curator removes or moves (<see cref="SourceAddress.MarkDuplicate"/>).
    /// One transaction for them all, so a crash leaves the file as it was and the next opening does it again; a file
    /// without such sources costs nothing more than reading the directory.
    /// </summary>
    private void MarkDuplicateAddresses()
    {
        var shared = _sourceDirectory.SharedAddresses();
        if (shared.Count == 0)
        {
            return;
        }

        var marked = new List<Source>();
        _database.BeginTrans();
        try
        {
            foreach (var ids in shared)
            {
                foreach (var id in ids.Skip(1))
                {
                    var source = _sources.FindById(id);
                    SourceAddress.MarkDuplicate(source, ids[0]);
                    _sources.Update(source);
                    marked.Add(source);
                }
            }

            _database.Commit();
        }
        catch
        {
            _database.Rollback();
            throw;
        }

        marked.ForEach(_sourceDirectory.Put);
    }
}
