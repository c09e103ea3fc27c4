using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Api;

/// <summary><c>/api/articles</c>: the river as JSON, newest first, paged by cursor.</summary>
public static class ArticlesApi
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 200;

    public static RouteGroupBuilder MapArticlesApi(this RouteGroupBuilder api)
    {
        var articles = api.MapGroup("/articles").WithTags("Articles");
        articles.MapGet("/", ListAsync).WithSummary("Articles newest first, or those a full-text search (?q=) finds; pass the returned 'next' as ?before= for the next page");
        articles.MapGet("/{id:long}", GetAsync).WithSummary("One article with its content");
        return api;
    }

    private static async Task<Results<Ok<ArticlePageDto>, ProblemHttpResult>> ListAsync(
        IFeedStore store, string? before, long? source, int? limit, string? q, CancellationToken cancellationToken)
    {
        SearchQuery? search = null;
        if (!string.IsNullOrWhiteSpace(q) && !SearchQuery.TryParse(q, out search, out var problem))
        {
            return ApiProblems.BadRequest("Bad search", problem);
        }

        ArticleCursor? cursor = null;
        if (before is not null)
        {
            if (!ArticleCursor.TryParse(before, out var parsed))
            {
                return ApiProblems.BadRequest("Bad cursor", $"'{before}' is not a cursor; pass the 'next' value of the previous page as ?before=.");
            }

            cursor = parsed;
        }

        var size = Math.Clamp(limit ?? DefaultPageSize, 1, MaxPageSize);
        var page = await store.ListArticlesAsync(
            new ArticleQuery { Before = cursor, SourceIds = source is { } id ? [id] : null, Search = search, Limit = size }, cancellationToken);
        var next = page.Count == size ? ArticleCursor.Of(page[^1]).ToString() : null;
        var highlights = search is null ? null : await store.HighlightAsync(search, page, cancellationToken);
        return TypedResults.Ok(new ArticlePageDto(page.Select(ArticleSummaryDto.Of).ToList(), next, highlights));
    }

    private static async Task<Results<Ok<ArticleDto>, ProblemHttpResult>> GetAsync(long id, IFeedStore store, CancellationToken cancellationToken)
        => await store.GetArticleAsync(id, cancellationToken) is { } article
            ? TypedResults.Ok(ArticleDto.Of(article))
            : TypedResults.Problem(title: "No such article", detail: $"There is no article {id}.", statusCode: StatusCodes.Status404NotFound);
}
