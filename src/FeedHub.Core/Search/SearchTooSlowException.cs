namespace FeedHub.Core.Search;

/// <summary>
/// A search the store gave up on after its time limit (a phrase of common words, a word and its own exclusion): the
/// reader is told what to try instead; the store itself is fine.
/// </summary>
public sealed class SearchTooSlowException(SearchQuery query, TimeSpan limit, Exception cause)
    : Exception($"The search '{query}' took longer than {limit.TotalSeconds:0} s and was stopped.", cause)
{
    public SearchQuery Query { get; } = query;

    public TimeSpan Limit { get; } = limit;
}
