using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;

namespace FeedHub.Web;

/// <summary>The merged feed in Atom 1.0, RSS 2.0 and JSON Feed 1.1: the newest articles of every source (or of a category or source).</summary>
public static class MergedFeeds
{
    public const int PageSize = 50;

    public static IEndpointRouteBuilder MapMergedFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/feed.atom", (HttpContext context, River river, RenderedResponses responses, IOptions<SiteOptions> site, string? category, long? source, string? before)
            => ServeAsync(context, river, responses, site.Value, new RiverFilter(Blank(category), source), before, "feed.atom", SyndicationWriter.Atom, SyndicationWriter.AtomMediaType));
        app.MapGet("/feed.rss", (HttpContext context, River river, RenderedResponses responses, IOptions<SiteOptions> site, string? category, long? source, string? before)
            => ServeAsync(context, river, responses, site.Value, new RiverFilter(Blank(category), source), before, "feed.rss", SyndicationWriter.Rss, SyndicationWriter.RssMediaType));
        app.MapGet("/feed.json", (HttpContext context, River river, RenderedResponses responses, IOptions<SiteOptions> site, string? category, long? source, string? before)
            => ServeAsync(context, river, responses, site.Value, new RiverFilter(Blank(category), source), before, "feed.json", SyndicationWriter.Json, SyndicationWriter.JsonFeedMediaType));
        return app;
    }

    private static Task<IResult> ServeAsync(
        HttpContext context,
        River river,
        RenderedResponses responses,
        SiteOptions site,
        RiverFilter filter,
        string? before,
        string path,
        Func<PublishedFeed, byte[]> write,
        string mediaType)
    {
        ArticleCursor? cursor = ArticleCursor.TryParse(before, out var parsed) ? parsed : null;
        var origin = new Uri($"{context.Request.Scheme}://{context.Request.Host}/");
        return responses.ServeAsync(context, async cancellationToken =>
        {
            var page = await river.ReadAsync(filter, cursor, PageSize, cancellationToken);
            return write(ToPublishedFeed(page, filter, cursor, site, origin, path));
        }, mediaType);
    }

    private static PublishedFeed ToPublishedFeed(RiverPage page, RiverFilter filter, ArticleCursor? cursor, SiteOptions site, Uri origin, string path)
    {
        var title = filter.SourceId is { } id && page.Sources.TryGetValue(id, out var only) ? $"{site.Title}: {only.Name}"
            : filter.Category is { } category ? $"{site.Title}: {category}"
            : site.Title;
        var entries = page.Stories.Select(story => ToEntry(story, origin)).ToList();
        var updated = page.Stories.Count == 0 ? DateTimeOffset.UnixEpoch : page.Stories.Max(s => s.Article.ChangedAt);
        return new PublishedFeed(title, site.Description, new Uri(origin, path + Query(filter, cursor)), origin, updated, entries)
        {
            NextUrl = page.Next is { } next ? new Uri(origin, path + Query(filter, next)) : null,
            FirstUrl = cursor is null ? null : new Uri(origin, path + Query(filter, null)),
        };
    }

    private static PublishedEntry ToEntry(Story story, Uri origin)
    {
        var article = story.Article;
        var page = new Uri(origin, $"articles/{article.Id}");
        var link = article.Link is not null && Uri.TryCreate(article.Link, UriKind.Absolute, out var original) ? original : page;
        var sources = story.Sources
            .Select(source => new EntrySource(source.Name, new Uri(source.FeedUrl), WebLinks.IsHttp(source.SiteUrl) ? new Uri(source.SiteUrl!) : null))
            .ToList();
        return new PublishedEntry(page.AbsoluteUri, article.Title ?? "(untitled)", link, article.SortDate,
            article.Updated ?? article.ChangedAt, article.Author, article.BestHtml, sources)
        {
            ImageUrl = article.ImageUrl,
            Tags = article.Tags,
        };
    }

    private static string Query(RiverFilter filter, ArticleCursor? before)
    {
        var query = ReaderPages.FeedQuery(filter);
        return before is { } cursor ? query + (query.Length == 0 ? "?" : "&") + "before=" + cursor : query;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
