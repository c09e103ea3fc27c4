using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;

namespace FeedHub.Web;

/// <summary>
/// Feeds opened in a browser read as pages. A browser's navigation to an Atom or RSS feed (<c>Sec-Fetch-Dest:
/// document</c>, which only browsers send, and HTML asked for without a feed type) gets the page the site's stylesheet
/// makes of the feed (<see cref="FeedPages"/>). Atom and RSS also name that XSLT stylesheet (<c>/assets/feed.xsl</c>)
/// for browsers that do not send <c>Sec-Fetch-Dest</c>: since browsers show <c>application/atom+xml</c> and
/// <c>application/rss+xml</c> as raw text (or download them), a request that asks for HTML and for no feed type gets
/// the feed as <c>application/xml</c>, which they render with the stylesheet, and a JSON Feed as
/// <c>application/json</c>, which they display. Feed readers get each format's own type.
/// </summary>
public static class FeedsInBrowsers
{
    public const string Stylesheet = "/assets/feed.xsl";

    /// <summary>Serves a feed from <paramref name="responses"/> with the media type that suits who asks.</summary>
    public static Task<IResult> ServeFeedAsync(
        this RenderedResponses responses, HttpContext context, Func<CancellationToken, Task<byte[]>> render, string mediaType, string? variesWith = null,
        IReadOnlyCollection<ContentScope>? dependsOn = null, bool shortcut = false)
        => responses.ServeFeedAsync(context, async cancellationToken => new RenderedBody(await render(cancellationToken)), mediaType, variesWith, dependsOn, shortcut);

    /// <summary>As the other overload, for a body that may come with its gzip form made already.</summary>
    public static Task<IResult> ServeFeedAsync(
        this RenderedResponses responses, HttpContext context, Func<CancellationToken, Task<RenderedBody>> render, string mediaType, string? variesWith = null,
        IReadOnlyCollection<ContentScope>? dependsOn = null, bool shortcut = false)
        => responses.ServeAsync(context, render, new ResponseForm(mediaType, "Accept-Encoding, Accept, Sec-Fetch-Dest", ForBrowsers(mediaType)), variesWith, dependsOn, shortcut);

    /// <summary>A browser's navigation to a feed of <paramref name="form"/> that has a page (Atom, RSS): feed readers never send <c>Sec-Fetch-Dest</c>.</summary>
    public static bool WantsPage(HttpRequest request, ResponseForm form)
        => form.ForBrowsers == XmlForBrowsers && request.Headers["Sec-Fetch-Dest"] is ["document"] && IsBrowser(request);

    /// <summary>A browser's navigation asks for HTML and names no feed type; a feed reader names the types it reads (or none).</summary>
    public static bool IsBrowser(HttpRequest request)
    {
        // Most feed readers name no HTML at all: their Accept needs no parsing.
        if (!request.Headers.Accept.ToString().Contains("html", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        bool html = false, feed = false;
        foreach (var type in request.GetTypedHeaders().Accept)
        {
            if (type.Quality is 0)
            {
                continue;
            }

            var mediaType = type.MediaType.Value ?? string.Empty;
            html |= mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase);
            feed |= mediaType.Equals("application/atom+xml", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/rss+xml", StringComparison.OrdinalIgnoreCase)
                || mediaType.Equals("application/feed+json", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/rdf+xml", StringComparison.OrdinalIgnoreCase);
        }

        return html && !feed;
    }

    private const string XmlForBrowsers = "application/xml; charset=utf-8";

    private static string ForBrowsers(string mediaType)
        => mediaType == SyndicationWriter.JsonFeedMediaType ? "application/json; charset=utf-8" : XmlForBrowsers;
}
