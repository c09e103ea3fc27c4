using System.Globalization;
using FeedHub.Core.Publishing;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Web.Errors;
using FeedHub.Web.Reader;
using FeedHub.Web.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Web;

/// <summary>The reading list (the river) with its search, and the article page, rendered on the server, readable without JavaScript.</summary>
public static class ReaderPages
{
    private const int PageSize = 30;

    public static IEndpointRouteBuilder MapReaderPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", RiverAsync);
        app.MapGet("/articles/{id:long}", ArticleAsync);
        return app;
    }

    private static async Task<IResult> RiverAsync(HttpContext context, River river, IFeedStore store, ComponentRenderer pages, string? before, string? category, long? source, string? q)
    {
        ArticleCursor? cursor = ArticleCursor.TryParse(before, out var parsed) ? parsed : null;
        var filter = new RiverFilter(string.IsNullOrWhiteSpace(category) ? null : category.Trim(), source);
        var searchText = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (searchText is not null)
        {
            if (!SearchQuery.TryParse(searchText, out var search, out var problem))
            {
                // Nothing to search for: the page says why, with the search as typed to be corrected.
                return await WithoutMatchesAsync(context, store, filter, searchText, StatusCodes.Status400BadRequest, problem: problem);
            }

            filter = filter with { Search = search };
        }

        try
        {
            return await pages.ServeAsync<ReadingListPage>(context, async cancellationToken =>
            {
                var page = await river.ReadAsync(filter, cursor, PageSize, cancellationToken);
                return new()
                {
                    [nameof(ReadingListPage.River)] = page,
                    [nameof(ReadingListPage.Filter)] = filter,
                    [nameof(ReadingListPage.Cursor)] = cursor,
                    [nameof(ReadingListPage.SearchText)] = searchText,
                    [nameof(ReadingListPage.Highlights)] = filter.Search is { } search ? await river.HighlightAsync(page, search, cancellationToken) : null,
                };
            }, dependsOn: River.ScopesOf(filter), shortcut: true);
        }
        catch (SearchIndexBuildingException building)
        {
            // Not "no post matches": the page says the search waits for the index, and how far its rebuild got.
            SearchIndexBuildingHandler.Refuse(context.Response);
            return await WithoutMatchesAsync(context, store, filter, searchText, StatusCodes.Status503ServiceUnavailable, building: building.Status);
        }
    }

    /// <summary>The river page of a search that was not run: the search as typed, and why (a problem with it, or the index being rebuilt).</summary>
    private static async Task<IResult> WithoutMatchesAsync(
        HttpContext context, IFeedStore store, RiverFilter filter, string? searchText, int status, string? problem = null, SearchIndexStatus? building = null)
    {
        var sources = (filter.SourceId is { } id ? await store.GetSourcesAsync([id], context.RequestAborted) : []).ToDictionary(s => s.Id);
        return new RazorComponentResult<ReadingListPage>(new Dictionary<string, object?>
        {
            [nameof(ReadingListPage.River)] = new RiverPage([], sources, null, await River.CategoriesAsync(store, context.RequestAborted)),
            [nameof(ReadingListPage.Filter)] = filter,
            [nameof(ReadingListPage.SearchText)] = searchText,
            [nameof(ReadingListPage.SearchProblem)] = problem,
            [nameof(ReadingListPage.SearchIndex)] = building,
        })
        {
            StatusCode = status,
        };
    }

    private static async Task<IResult> ArticleAsync(HttpContext context, long id, IFeedStore store, ComponentRenderer pages)
    {
        var article = await store.GetArticleAsync(id, context.RequestAborted);
        if (article is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such article",
                detail: $"There is no article {id}; it may have been removed with its source.");
        }

        // The links to the newer and older stories follow the whole river. Its version also moves when the article is
        // removed, so the page may be answered again before routing (without reading the article) while it is current.
        return await pages.ServeAsync<ArticlePage>(context, async cancellationToken => new()
        {
            [nameof(ArticlePage.Article)] = article,
            [nameof(ArticlePage.Source)] = await store.GetSourceAsync(article.SourceId, cancellationToken),
            [nameof(ArticlePage.Newer)] = await store.FindAdjacentStoryAsync(ArticleCursor.Of(article), TimeDirection.Newer, cancellationToken),
            [nameof(ArticlePage.Older)] = await store.FindAdjacentStoryAsync(ArticleCursor.Of(article), TimeDirection.Older, cancellationToken),
        }, dependsOn: [ContentScope.River], shortcut: true);
    }

    /// <summary>The river page of <paramref name="filter"/>, from its newest post or from <paramref name="before"/>.</summary>
    internal static string RiverUrl(RiverFilter filter, ArticleCursor? before)
    {
        var query = FeedQuery(filter);
        if (before is { } cursor)
        {
            query += (query.Length == 0 ? "?" : "&") + "before=" + cursor;
        }

        return "/" + query;
    }

    /// <summary>
    /// The reading list from <paramref name="article"/> down (the article first): where "back to the list" leads from
    /// an article, whichever page of the river it was on.
    /// </summary>
    internal static string RiverFrom(Core.Model.Article article)
        => RiverUrl(new RiverFilter(), new ArticleCursor(article.SortDate, article.Id + 1));

    /// <summary>The filters of the river (and of its feeds) as a query string: category, source and search.</summary>
    internal static string FeedQuery(RiverFilter filter)
    {
        var parts = new List<string>();
        if (filter.Category is { } category)
        {
            parts.Add("category=" + Uri.EscapeDataString(category));
        }

        if (filter.SourceId is { } source)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"source={source}"));
        }

        if (filter.Search is { } search)
        {
            parts.Add("q=" + Uri.EscapeDataString(search.Describe()));
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }
}
