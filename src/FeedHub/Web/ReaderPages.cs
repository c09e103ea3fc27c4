using System.Globalization;
using System.Text;
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

    private static Task<IResult> RiverAsync(
        HttpContext context, River river, Digest clock, RenderedResponses responses, IOptions<SiteOptions> site, string? before, string? category, long? source)
    {
        ArticleCursor? cursor = ArticleCursor.TryParse(before, out var parsed) ? parsed : null;
        var filter = new RiverFilter(string.IsNullOrWhiteSpace(category) ? null : category.Trim(), source);
        return responses.ServeAsync(context, async cancellationToken =>
        {
            var page = await river.ReadAsync(filter, cursor, PageSize, cancellationToken);
            return Encoding.UTF8.GetBytes(RenderRiver(page, filter, cursor, clock, site.Value).Value);
        }, "text/html; charset=utf-8");
    }

    private static Markup RenderRiver(RiverPage page, RiverFilter filter, ArticleCursor? cursor, Digest clock, SiteOptions site)
    {
        var onlySource = filter.SourceId is { } id ? page.Sources.GetValueOrDefault(id) : null;
        var heading = onlySource?.Name ?? filter.Category ?? "Latest posts";
        var categories = page.Sources.Values.SelectMany(s => s.Categories).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var filters = categories.Count == 0 ? Markup.Empty : Markup.Of($"""
            <ul class="filters" aria-label="Categories"><li><a href="/"{Current(filter.IsEmpty)}>All</a></li>{categories.Select(c => Markup.Of($"""<li><a href="/?category={Uri.EscapeDataString(c)}"{Current(string.Equals(c, filter.Category, StringComparison.OrdinalIgnoreCase))}>{c}</a></li>"""))}</ul>
            """);
        var about = onlySource is null ? Markup.Empty : Markup.Of($"""
            <p class="meta"><a href="{onlySource.SiteUrl ?? onlySource.FeedUrl}" rel="noopener noreferrer">{onlySource.SiteUrl ?? onlySource.FeedUrl}</a><a href="/feed.atom?source={onlySource.Id}">Feed of this source</a></p>
            """);
        var items = page.Stories.Select(story => ReaderView.ListItem(story, clock));
        var empty = page.Stories.Count == 0
            ? Markup.Of($"""<p class="empty">{(cursor is null ? "Nothing here yet: new posts appear as soon as the sources are polled." : "No older posts.")}</p>""")
            : Markup.Empty;
        var newest = cursor is null ? Markup.Of($"<span></span>") : Markup.Of($"""<a href="{RiverUrl(filter, null)}">Newest posts</a>""");
        var older = page.Next is { } next ? Markup.Of($"""<a rel="next" href="{RiverUrl(filter, next)}">Older posts</a>""") : Markup.Empty;
        var main = Markup.Of($"""
            <h1 dir="auto">{heading}</h1>
            {filters}{about}
            {empty}<ol class="river">{items}</ol>
            <nav class="paging" aria-label="Pages">{newest}{older}</nav>
            """);
        var feedQuery = FeedQuery(filter);
        IReadOnlyList<AlternateFeed> feeds =
        [
            new($"{site.Title}: {heading} (Atom)", "/feed.atom" + feedQuery, "application/atom+xml"),
            new($"{site.Title}: {heading} (JSON Feed)", "/feed.json" + feedQuery, "application/feed+json"),
            new($"{site.Title}: {heading} (RSS)", "/feed.rss" + feedQuery, "application/rss+xml"),
        ];
        return Layout.Page(site.Title, filter.IsEmpty ? site.Title : $"{heading} · {site.Title}", main, feeds);
    }

    private static async Task<IResult> ArticleAsync(
        HttpContext context, long id, IFeedStore store, Digest clock, RenderedResponses responses, IOptions<SiteOptions> site)
    {
        var article = await store.GetArticleAsync(id, context.RequestAborted);
        if (article is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such article",
                detail: $"There is no article {id}; it may have been removed with its source.");
        }

        return await responses.ServeAsync(context, async cancellationToken =>
        {
            var source = await store.GetSourceAsync(article.SourceId, cancellationToken);
            var original = article.Link is null ? Markup.Empty
                : Markup.Of($"""<p class="original"><a href="{article.Link}" rel="noopener noreferrer">Read the original on {source?.Name ?? "its site"} →</a></p>""");
            var main = Markup.Of($"""
                <article class="full"{(article.Language is { } lang ? Markup.Of($" lang=\"{lang}\"") : Markup.Empty)}>
                <h1 dir="auto">{article.Title ?? "(untitled)"}</h1>
                {ReaderView.Meta(article, source, clock)}
                <div class="content" dir="auto">{Markup.Trusted(article.BestHtml)}</div>
                {original}
                </article>
                """);
            return Encoding.UTF8.GetBytes(Layout.Page(site.Value.Title, $"{article.Title} · {site.Value.Title}", main).Value);
        }, "text/html; charset=utf-8");
    }

    private static Markup Current(bool isCurrent) => isCurrent ? Markup.Of($""" aria-current="page" """) : Markup.Empty;

    private static string RiverUrl(RiverFilter filter, ArticleCursor? before)
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
