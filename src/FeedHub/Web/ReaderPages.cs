using System.Globalization;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Web.Reader;
using FeedHub.Web.Rendering;

namespace FeedHub.Web;

/// <summary>The reading list (the river) and the article page, rendered on the server, readable without JavaScript.</summary>
public static class ReaderPages
{
    private const int PageSize = 30;

    public static IEndpointRouteBuilder MapReaderPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", RiverAsync);
        app.MapGet("/articles/{id:long}", ArticleAsync);
        return app;
    }

    private static Task<IResult> RiverAsync(HttpContext context, River river, ComponentRenderer pages, string? before, string? category, long? source)
    {
        ArticleCursor? cursor = ArticleCursor.TryParse(before, out var parsed) ? parsed : null;
        var filter = new RiverFilter(string.IsNullOrWhiteSpace(category) ? null : category.Trim(), source);
        return pages.ServeAsync<ReadingListPage>(context, async cancellationToken => new()
        {
            [nameof(ReadingListPage.River)] = await river.ReadAsync(filter, cursor, PageSize, cancellationToken),
            [nameof(ReadingListPage.Filter)] = filter,
            [nameof(ReadingListPage.Cursor)] = cursor,
        });
    }

    private static async Task<IResult> ArticleAsync(HttpContext context, long id, IFeedStore store, ComponentRenderer pages)
    {
        var article = await store.GetArticleAsync(id, context.RequestAborted);
        if (article is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such article",
                detail: $"There is no article {id}; it may have been removed with its source.");
        }

        return await pages.ServeAsync<ArticlePage>(context, async cancellationToken => new()
        {
            [nameof(ArticlePage.Article)] = article,
            [nameof(ArticlePage.Source)] = await store.GetSourceAsync(article.SourceId, cancellationToken),
        });
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

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }
}
