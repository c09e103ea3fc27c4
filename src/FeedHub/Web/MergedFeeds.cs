using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Hosting;
using FeedHub.Web.Images;
using Microsoft.Extensions.Options;

namespace FeedHub.Web;

/// <summary>
/// The merged feed in Atom 1.0, RSS 2.0 and JSON Feed 1.1: the newest stories of every source (or of a category or
/// source), 50 a page, as an RFC 5005 paged feed. Links come from the public address; entry ids are the ids minted
/// when each article was stored, so they never depend on how the feed was reached.
/// </summary>
public static class MergedFeeds
{
    public const int PageSize = 50;

    public static IEndpointRouteBuilder MapMergedFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/feed.atom", (HttpContext context, [AsParameters] FeedRequest request)
            => ServeAsync(context, request, "feed.atom", SyndicationWriter.Atom, SyndicationWriter.AtomMediaType));
        app.MapGet("/feed.rss", (HttpContext context, [AsParameters] FeedRequest request)
            => ServeAsync(context, request, "feed.rss", SyndicationWriter.Rss, SyndicationWriter.RssMediaType));
        app.MapGet("/feed.json", (HttpContext context, [AsParameters] FeedRequest request)
            => ServeAsync(context, request, "feed.json", SyndicationWriter.Json, SyndicationWriter.JsonFeedMediaType));
        return app;
    }

    private static Task<IResult> ServeAsync(HttpContext context, FeedRequest request, string path, Func<PublishedFeed, byte[]> write, string mediaType)
    {
        var filter = new RiverFilter(Blank(request.Category), request.Source);
        if (!string.IsNullOrWhiteSpace(request.Q))
        {
            // A saved search is a feed: the same river, only what the search finds.
            if (!SearchQuery.TryParse(request.Q, out var search, out var problem))
            {
                return Task.FromResult<IResult>(TypedResults.Problem(title: "Bad search", detail: problem, statusCode: StatusCodes.Status400BadRequest));
            }

            filter = filter with { Search = search };
        }

        ArticleCursor? cursor = ArticleCursor.TryParse(request.Before, out var parsed) ? parsed : null;
        var origin = request.Address.Of(context);
        var images = request.ImageOptions.Value.ProxyInFeeds ? request.Images : null;
        return request.Responses.ServeFeedAsync(context, async cancellationToken =>
        {
            var page = await request.River.ReadAsync(filter, cursor, PageSize, cancellationToken);
            return write(ToPublishedFeed(page, filter, cursor, request.Site.Value, origin, path, request.Time.GetUtcNow(), images));
        }, mediaType);
    }

    /// <param name="images">Where images go through this site (when <see cref="ImageProxyOptions.ProxyInFeeds"/> is set); null to keep their addresses.</param>
    private static PublishedFeed ToPublishedFeed(RiverPage page, RiverFilter filter, ArticleCursor? cursor, SiteOptions site, Uri origin, string path, DateTimeOffset now, ImageLinks? images)
    {
        var title = filter.SourceId is { } id && page.Sources.TryGetValue(id, out var only) ? $"{site.Title}: {only.Name}"
            : filter.Category is { } category ? $"{site.Title}: {category}"
            : site.Title;
        if (filter.Search is { } search)
        {
            title += $": search for “{search.Describe()}”";
        }

        var entries = page.Stories.Select(story => ToEntry(story, origin, images)).ToList();

        // An empty page has changed no later than now (it is rendered once per change of the store).
        var updated = page.Stories.Count == 0 ? now : page.Stories.Max(s => s.Article.ChangedAt);
        var first = new Uri(origin, path + Query(filter, null));
        return new PublishedFeed(title, site.Description, new Uri(origin, path + Query(filter, cursor)), origin, updated, entries)
        {
            Id = first.AbsoluteUri,
            FirstUrl = first,
            NextUrl = page.Next is { } next ? new Uri(origin, path + Query(filter, next)) : null,
            Stylesheet = FeedsInBrowsers.Stylesheet,
        };
    }

    private static PublishedEntry ToEntry(Story story, Uri origin, ImageLinks? images)
    {
        var article = story.Article;
        var page = new Uri(origin, $"articles/{article.Id}");
        var link = article.Link is not null && Uri.TryCreate(article.Link, UriKind.Absolute, out var original) ? original : page;
        var sources = story.Sources
            .Select(source => new EntrySource(source.Name, new Uri(source.FeedUrl), WebLinks.IsHttp(source.SiteUrl) ? new Uri(source.SiteUrl!) : null))
            .ToList();
        var id = article.EntryId ?? throw new InvalidOperationException($"Article {article.Id} has no entry id; the store mints one for every article it keeps.");
        return new PublishedEntry(id, article.Title ?? "(untitled)", link, article.SortDate,
            article.Updated ?? article.ChangedAt, article.Author, images is null ? article.BestHtml : images.RewriteHtml(article.BestHtml, origin), sources)
        {
            ImageUrl = images is null || article.ImageUrl is null ? article.ImageUrl : images.Of(article.ImageUrl, origin),
            Tags = article.Tags,
        };
    }

    private static string Query(RiverFilter filter, ArticleCursor? before)
    {
        var query = ReaderPages.FeedQuery(filter);
        return before is { } cursor ? query + (query.Length == 0 ? "?" : "&") + "before=" + cursor : query;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>What a merged-feed request brings: its filters and the services that answer it.</summary>
    private sealed record FeedRequest(
        string? Category, long? Source, string? Before, string? Q, River River, RenderedResponses Responses, PublicAddress Address, IOptions<SiteOptions> Site, TimeProvider Time,
        ImageLinks Images, IOptions<ImageProxyOptions> ImageOptions);
}
