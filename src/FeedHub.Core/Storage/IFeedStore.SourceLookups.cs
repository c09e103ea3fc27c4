using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

/// <summary>Sources read by id, for pages that show a few of many (a digest day names the sources of its posts only).</summary>
public partial interface IFeedStore
{
    /// <summary>The stored sources among <paramref name="ids"/>, by id order; ids of removed sources are left out.</summary>
    Task<IReadOnlyList<Source>> GetSourcesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}
