using System.Globalization;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;

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

    private static async Task<IResult> RiverAsync(
        HttpContext context, River river, IOptions<SiteOptions> site, string? before, string? category, long? source, CancellationToken cancellationToken)
    {
        ArticleCursor? cursor = ArticleCursor.TryParse(before, out var parsed) ? parsed : null;
        var filter = new RiverFilter(string.IsNullOrWhiteSpace(category) ? null : category.Trim(), source);
        var page = await river.ReadAsync(filter, cursor, PageSize, cancellationToken);
        var heading = filter.SourceId is { } id && page.Sources.TryGetValue(id, out var only) ? only.Name
            : filter.Category ?? "Latest posts";
        var items = page.Articles.Select(a => RiverItem(a, page.Sources.GetValueOrDefault(a.SourceId)));
        var older = page.Next is { } next
            ? Markup.Of($"""<nav class="paging"><a rel="next" href="{PageUrl(filter, next)}">Older posts</a></nav>""")
            : Markup.Empty;
        var empty = page.Articles.Count == 0 ? Markup.Of($"""<p class="empty">Nothing here yet.</p>""") : Markup.Empty;
        var main = Markup.Of($"""
            <h1>{heading}</h1>
            {empty}<ol class="river">{items}</ol>
            {older}
            """);
        return Html(context, Layout.Page(site.Value.Title, $"{heading} · {site.Value.Title}", main));
    }

    private static async Task<IResult> ArticleAsync(HttpContext context, long id, IFeedStore store, IOptions<SiteOptions> site, CancellationToken cancellationToken)
    {
        var article = await store.GetArticleAsync(id, cancellationToken);
        if (article is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such article", detail: $"There is no article {id}; it may have been removed with its source.");
        }

        var source = await store.GetSourceAsync(article.SourceId, cancellationToken);
        var original = article.Link is null ? Markup.Empty
            : Markup.Of($"""<p class="original"><a href="{article.Link}" rel="noopener noreferrer">Read on {source?.Name ?? "the original site"}</a></p>""");
        var main = Markup.Of($"""
            <article class="full" lang="{article.Language ?? string.Empty}">
            <h1>{article.Title ?? "(untitled)"}</h1>
            {Byline(article, source)}
            <div class="content">{Markup.Trusted(article.BestHtml)}</div>
            {original}
            </article>
            """);
        return Html(context, Layout.Page(site.Value.Title, $"{article.Title} · {site.Value.Title}", main));
    }

    private static Markup RiverItem(Article article, Source? source)
    {
        var title = article.Title ?? "(untitled)";
        return Markup.Of($"""
            <li class="entry"><article>
            <h2><a href="/articles/{article.Id}">{title}</a></h2>
            {Byline(article, source)}
            </article></li>
            """);
    }

    private static Markup Byline(Article article, Source? source)
    {
        var date = article.SortDate.UtcDateTime;
        var sourceLink = source is null ? Markup.Empty : Markup.Of($"""<a class="source" href="/?source={source.Id}">{source.Name}</a>""");
        var author = article.Author is null ? Markup.Empty : Markup.Of($"""<span class="author">{article.Author}</span>""");
        return Markup.Of($"""
            <p class="meta">{sourceLink} {author} <time datetime="{date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}">{date.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture)}</time></p>
            """);
    }

    private static string PageUrl(RiverFilter filter, ArticleCursor before)
    {
        var query = new List<string> { $"before={before}" };
        if (filter.Category is { } category)
        {
            query.Add("category=" + Uri.EscapeDataString(category));
        }

        if (filter.SourceId is { } source)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"source={source}"));
        }

        return "/?" + string.Join('&', query);
    }

    private static IResult Html(HttpContext context, Markup page)
        => ConditionalResponse.Send(context, Encoding.UTF8.GetBytes(page.Value), "text/html; charset=utf-8");
}
