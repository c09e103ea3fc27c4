using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Hosting;
using FeedHub.Web.Images;
using FeedHub.WebSub;
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
        foreach (var format in SyndicationFormat.All)
        {
            app.MapGet("/feed." + format.Extension, (HttpContext context, [AsParameters] FeedRequest request) => ServeAsync(context, request, format));
        }

        return app;
    }

    /// <summary>The filter a merged-feed address names (<c>?category=</c>, <c>?source=</c>, <c>?q=</c>), or why it names none.</summary>
    public static bool TryFilter(string? category, long? source, string? q, out RiverFilter filter, out string? problem)
    {
        filter = new RiverFilter(Blank(category), source);
        problem = null;
        if (string.IsNullOrWhiteSpace(q))
        {
            return true;
        }

        // A saved search is a feed: the same river, only what the search finds.
        if (!SearchQuery.TryParse(q, out var search, out problem))
        {
            return false;
        }

        filter = filter with { Search = search };
        return true;
    }

    private static Task<IResult> ServeAsync(HttpContext context, FeedRequest request, SyndicationFormat format)
    {
        if (!TryFilter(request.Category, request.Source, request.Q, out var filter, out var problem))
        {
            return Task.FromResult<IResult>(TypedResults.Problem(title: "Bad search", detail: problem, statusCode: StatusCodes.Status400BadRequest));
        }

        ArticleCursor? cursor = ArticleCursor.TryParse(request.Before, out var parsed) ? parsed : null;
        var origin = request.Address.Of(context);

        // The newest page is the WebSub topic; older pages never change and have no hub.
        var hub = cursor is null ? request.Hub.AdvertiseOn(context.Response, origin, Self(origin, format, filter)) : null;
        var images = request.ImageOptions.Value.ProxyInFeeds ? request.Images : null;
        return request.Responses.ServeFeedAsync(
            context,
            cancellationToken => RenderAsync(request.River, request.Store, request.Site.Value, request.Time, filter, cursor, origin, format, hub, images, cancellationToken),
            format.MediaType,
            dependsOn: River.ScopesOf(filter),
            shortcut: true);
    }

    /// <summary>A page of the merged feed (the newest when <paramref name="cursor"/> is null) as its format writes it.</summary>
    /// <param name="images">Where images go through this site (when <see cref="ImageProxyOptions.ProxyInFeeds"/> is set); null to keep their addresses.</param>
    public static async Task<byte[]> RenderAsync(
        River river, IFeedStore store, SiteOptions site, TimeProvider time, RiverFilter filter, ArticleCursor? cursor, Uri origin, SyndicationFormat format, Uri? hub, ImageLinks? images,
        CancellationToken cancellationToken)
    {
        var page = await river.ReadAsync(filter, cursor, PageSize, cancellationToken);
        var authority = await EntryIds.InstallationAuthorityAsync(store, cancellationToken);
        var feed = ToPublishedFeed(page, filter, cursor, site, origin, "feed." + format.Extension, time.GetUtcNow(), images) with
        {
            Id = EntryIds.Feed(authority, "feed" + Query(filter, null)),
            HubUrl = hub,
        };
        return format.Write(feed);
    }

    /// <summary>The address of the newest page of a merged feed: its WebSub topic.</summary>
    public static Uri Self(Uri origin, SyndicationFormat format, RiverFilter filter) => new(origin, "feed." + format.Extension + Query(filter, null));

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
            .Select(source => new EntrySource(source.Name, new Uri(FeedAddress.Shown(source.FeedUrl)), WebLinks.IsHttp(source.SiteUrl) ? new Uri(source.SiteUrl!) : null))
            .ToList();
        var id = article.EntryId ?? throw new InvalidOperationException($"Article {article.Id} has no entry id; the store mints one for every article it keeps.");
        return new PublishedEntry(id, article.Title ?? "(untitled)", link, article.SortDate,
            article.Updated ?? article.ChangedAt, article.Author, images is null ? article.BestHtml : images.RewriteHtml(article.BestHtml, origin), sources)
        {
            ImageUrl = images is null || article.ImageUrl is null ? article.ImageUrl : images.Of(article.ImageUrl, origin),
            Tags = article.Tags,
            Enclosures = article.Enclosures,
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
        string? Category, long? Source, string? Before, string? Q, River River, IFeedStore Store, RenderedResponses Responses, PublicAddress Address, IOptions<SiteOptions> Site, TimeProvider Time,
        ImageLinks Images, IOptions<ImageProxyOptions> ImageOptions, WebSubHub Hub);
}
