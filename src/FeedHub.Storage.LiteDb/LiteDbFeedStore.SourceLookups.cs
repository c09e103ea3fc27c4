using FeedHub.Core.Model;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    public Task<IReadOnlyList<Source>> GetSourcesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<IReadOnlyList<Source>>(ids.Distinct().Order().Select(id => _sources.FindById(id)).OfType<Source>().ToList()));
}
