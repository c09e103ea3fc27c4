using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    private SourceDirectory _sourceDirectory = null!;

    public Task<SourceListPage> ListSourcesAsync(SourceListQuery query, CancellationToken cancellationToken)
    {
        var ids = _sourceDirectory.Page(query);
        var more = ids.Count > query.PageSize;
        // A source removed since its id was read is left out (its page is a little short).
        var shown = ids.Take(query.PageSize).ToList();
        var byId = FindSources(shown);
        var sources = shown.Select(id => byId.GetValueOrDefault(id)).OfType<Source>().ToList();
        return Task.FromResult(new SourceListPage(sources, more && sources.Count > 0 ? SourceCursor.Of(sources[^1]) : null));
    }

    public Task<IReadOnlyList<SourceOutline>> ListSourceOutlinesAsync(CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<SourceOutline>>(_sourceDirectory.Outlines());

    public Task<StoreTallies> GetTalliesAsync(CancellationToken cancellationToken) => Task.FromResult(_sourceDirectory.Tallies());

    /// <summary>Reads every source once, when the store opens, into the in-memory listing index.</summary>
    private void OpenSourceDirectory() => _sourceDirectory = new SourceDirectory(_sources.FindAll(), AsStored);

    /// <summary>
    /// The source as the file gives it back once written: mapped, serialised and read again as LiteDB does (instants to
    /// the millisecond in UTC, strings trimmed, an empty one null), so what is kept in memory reads as the file does.
    /// </summary>
    private Source AsStored(Source source)
        => _mapper.ToObject<Source>(BsonSerializer.Deserialize(BsonSerializer.Serialize(_mapper.ToDocument(source)), utcDate: true));

    /// <summary>
    /// After a failed write: the listing index takes the source back as it was before (read before the write, as the
    /// file may not be readable again until the disk has room).
    /// </summary>
    private void RestoreSourceDirectory(long id, Source? before)
    {
        if (before is not null)
        {
            _sourceDirectory.Put(before);
        }
        else
        {
            _sourceDirectory.Remove(id);
        }
    }
}
