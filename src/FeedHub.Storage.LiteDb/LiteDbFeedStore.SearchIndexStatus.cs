using FeedHub.Core.Storage;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    /// <summary>
    /// Ready once open: the Lucene index is replayed or rebuilt while the store opens, before the store is given to
    /// anyone who could ask (<see cref="SearchIndexState"/> says which it was).
    /// </summary>
    public Task<SearchIndexStatus> GetSearchIndexStatusAsync(CancellationToken cancellationToken)
        => Task.FromResult(_search is null ? new SearchIndexStatus(SearchIndexPhase.Off) : SearchIndexStatus.Ready);
}
