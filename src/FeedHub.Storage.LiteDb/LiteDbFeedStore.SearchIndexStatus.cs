using FeedHub.Core.Storage;

namespace FeedHub.Storage.LiteDb;

public sealed partial class LiteDbFeedStore
{
    /// <summary>
    /// Ready once the Lucene index holds every article: at once when it was replayed on opening, or once the rebuild
    /// in the background is done, building meanwhile with the articles indexed so far, or failed and waiting to start
    /// over (<see cref="SearchIndexState"/> says which it was). From memory, never from the file.
    /// </summary>
    public Task<SearchIndexStatus> GetSearchIndexStatusAsync(CancellationToken cancellationToken)
        => Task.FromResult(_search is null ? new SearchIndexStatus(SearchIndexPhase.Off)
            : _rebuild is not { } rebuild ? SearchIndexStatus.Ready
            : rebuild.Status);
}
