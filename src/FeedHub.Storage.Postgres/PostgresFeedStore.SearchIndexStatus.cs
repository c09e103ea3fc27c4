using FeedHub.Core.Storage;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    /// <summary>
    /// Ready once this process knows the word-pairs index is valid (no query then). Until it does, the catalogue says
    /// whether a build is running (in any process: its statement's start and how many blocks it went through), or the
    /// index is valid already, or missing with no build under way.
    /// </summary>
    public async Task<SearchIndexStatus> GetSearchIndexStatusAsync(CancellationToken cancellationToken)
    {
        if (_pairsIndexValid)
        {
            return SearchIndexStatus.Ready;
        }

        var index = await ReadPairsIndexCatalogueAsync(cancellationToken).ConfigureAwait(false);
        if (index.BuildPhase is not null)
        {
            return new SearchIndexStatus(SearchIndexPhase.PhrasesIndexBuilding, index.BuildStart, index.BlocksDone, index.BlocksTotal);
        }

        return index.Valid == true ? SearchIndexStatus.Ready : new SearchIndexStatus(SearchIndexPhase.PhrasesIndexMissing);
    }
}
