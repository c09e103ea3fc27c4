using System.Globalization;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Search;

/// <summary>
/// A search asked of an index that is being built again (<see cref="SearchIndexPhase.Building"/>, or
/// <see cref="SearchIndexPhase.Failed"/> and waiting to start over): what it would find
/// is not known yet, so it is refused rather than answered with the part built so far. Readers are told to come back.
/// </summary>
public sealed class SearchIndexBuildingException(SearchIndexStatus status) : Exception(Describe(status))
{
    /// <summary>How far the build got when the search was refused.</summary>
    public SearchIndexStatus Status { get; } = status;

    private static string Describe(SearchIndexStatus status) => status.Phase == SearchIndexPhase.Failed
        ? $"The search index could not be rebuilt ({status.Error}); it starts over shortly, and searches work again once it is done."
        : status.Total > 0
        ? string.Create(CultureInfo.InvariantCulture, $"The search index is being rebuilt ({status.Done:N0} of {status.Total:N0} articles so far); searches work again once it is done.")
        : "The search index is being rebuilt; searches work again once it is done.";
}
