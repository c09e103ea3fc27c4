using FeedHub.Core.Model;
using FeedHub.Core.Search;

namespace FeedHub.Core.Storage;

/// <summary>
/// Full-text search. Each store keeps a real engine in step with its articles (PostgreSQL's text search on the
/// cluster store, a Lucene index beside the LiteDB file) and answers <see cref="ArticleQuery.Search"/> in
/// <see cref="ListArticlesAsync"/> with the river's order and cursor, so a search pages, filters and feeds like the river.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>Excerpts of each article (found with <paramref name="query"/>) with the matching words marked, by article id.</summary>
    Task<IReadOnlyDictionary<long, SearchHighlight>> HighlightAsync(SearchQuery query, IReadOnlyList<Article> articles, CancellationToken cancellationToken);
}
