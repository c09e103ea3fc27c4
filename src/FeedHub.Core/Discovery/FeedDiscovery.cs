using System.Text;
using AngleSharp.Html.Parser;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Parser;
using FeedHub.Core.Urls;
using Microsoft.Extensions.Logging;

namespace FeedHub.Core.Discovery;

/// <summary>
/// Finds the feeds behind any address a curator has at hand: a feed is its own answer; a web page is searched for
/// <c>&lt;link rel="alternate"&gt;</c> feeds, then the site root for the paths blog platforms publish their feeds at.
/// Every candidate is fetched through the same guarded <see cref="FeedFetcher"/> and previewed. Nothing is stored.
/// A user name and password in the address (a members' site) go with every fetch, for its own site only, and a feed
/// found on that site is offered with them in its address; what the result shows of addresses is without them.
/// </summary>
public sealed partial class FeedDiscovery(FeedFetcher fetcher, FeedReader reader, ILogger<FeedDiscovery> logger)
{
    public const int PreviewItemCount = 5;
    private const int MaxLinkedCandidates = 8;

    private static readonly HashSet<string> FeedMediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
    };

    /// <summary>Where platforms publish their main feed, tried in this order on the site root when a page links none.</summary>
    internal static readonly string[] CommonPaths =
    [
        "/feed", "/feed/", "/rss.xml", "/atom.xml", "/index.xml", "/feed.xml", "/feed.json", "/rss", "/rss/",
        "/?feed=rss2", "/feeds/posts/default",
    ];

    public async Task<DiscoveryResult> DiscoverAsync(Uri address, CancellationToken cancellationToken)
    {
        var credentials = FeedAddress.CredentialsOf(address);
        var url = FeedAddress.Shown(address);
        var tried = new List<DiscoveryAttempt>();
        var page = await fetcher.FetchAsync(new FetchRequest(url) { Accept = FetchRequest.FeedAccept + ", text/html;q=0.8", Credentials = credentials }, cancellationToken)
            .ConfigureAwait(false);
        if (page.Outcome != FetchOutcome.Ok)
        {
            tried.Add(new DiscoveryAttempt(url, page.Error ?? "no answer"));
            return DiscoveryResult.Failed(url, tried, $"{url} cannot be read: {page.Error}");
        }

        var location = page.FinalUrl ?? url;
        var itself = Preview(page, url, "the address itself", credentials);
        if (itself is not null)
        {
            return new DiscoveryResult(url, [itself], tried, null);
        }

        if (!LooksLikeHtml(page))
        {
            var kind = page.ContentType is { Length: > 0 } type ? type.Split(';')[0].Trim() : "an unknown type";
            tried.Add(new DiscoveryAttempt(location, $"{kind} is neither a feed nor a web page"));
            return DiscoveryResult.Failed(url, tried,
                $"{url} is neither a feed nor a web page (it is {kind}); give the address of the blog or of its feed");
        }

        tried.Add(new DiscoveryAttempt(location, "a web page; looked for feed links in its head"));
        var found = new List<FeedCandidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { location.AbsoluteUri };
        foreach (var linked in LinkedFeeds(page.Body, location).Take(MaxLinkedCandidates).Select(FeedAddress.Shown))
        {
            if (seen.Add(linked.AbsoluteUri))
            {
                await TryCandidateAsync(linked, "a link in the page", credentials, found, tried, seen, cancellationToken).ConfigureAwait(false);
            }
        }

        if (found.Count == 0)
        {
            var root = new Uri(location.GetLeftPart(UriPartial.Authority) + "/");
            foreach (var path in UsualPaths(location))
            {
                var candidate = new Uri(root, path);
                if (seen.Add(candidate.AbsoluteUri)
                    && await TryCandidateAsync(candidate, "a usual feed address", credentials, found, tried, seen, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }

        LogDiscovered(logger, url, found.Count, tried.Count);
        return found.Count > 0
            ? new DiscoveryResult(url, found, tried, null)
            : DiscoveryResult.Failed(url, tried, $"no feed found at {url}; tried {string.Join(", ", tried.Select(t => t.Url.AbsoluteUri))}");
    }

    private async Task<bool> TryCandidateAsync(Uri candidate, string via, SiteCredentials? credentials, List<FeedCandidate> found, List<DiscoveryAttempt> tried,
        HashSet<string> seen, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(new FetchRequest(candidate) { Credentials = credentials }, cancellationToken).ConfigureAwait(false);
        if (fetched.Outcome != FetchOutcome.Ok)
        {
            tried.Add(new DiscoveryAttempt(candidate, fetched.Error ?? "no answer"));
            return false;
        }

        var final = fetched.FinalUrl ?? candidate;
        if (final != candidate && !seen.Add(final.AbsoluteUri))
        {
            tried.Add(new DiscoveryAttempt(candidate, $"leads to {final}, already considered"));
            return false;
        }

        if (Preview(fetched, candidate, via, credentials) is not { } feed)
        {
            tried.Add(new DiscoveryAttempt(candidate, "answers, but not with a feed"));
            return false;
        }

        tried.Add(new DiscoveryAttempt(candidate, "a feed"));
        found.Add(feed);
        return true;
    }

    /// <summary>
    /// The feed <paramref name="fetched"/> from <paramref name="requested"/>, as a candidate. Its relative links resolve
    /// against where it was read; the address to subscribe is the one asked for unless the redirects on the way began
    /// with permanent ones, and then the last of those before any temporary one (where the feed now lives), since a
    /// temporary redirect's target may change from one poll to the next (a poll moves a source the same way). That
    /// address carries <paramref name="credentials"/> when it is on their site.
    /// </summary>
    private FeedCandidate? Preview(FetchResult fetched, Uri requested, string via, SiteCredentials? credentials)
    {
        var document = reader.Read(fetched.Body, fetched.ContentType, fetched.FinalUrl ?? requested);
        if (!document.IsFeed)
        {
            return null;
        }

        var items = document.Items.Take(PreviewItemCount)
            .Select(item => new FeedPreviewItem(HtmlText.Of(item.Title, 300), item.Link, item.Published ?? item.Updated))
            .ToList();
        return new FeedCandidate(FeedAddress.WithCredentials(fetched.PermanentRedirect ?? requested, credentials), HtmlText.Of(document.Title, 300), document.Format!.Value, document.Link, items, document.Items.Count, via);
    }

    /// <summary>The usual feed paths, preceded by Medium's per-author feed for a page under <c>/@author/</c>.</summary>
    private static string[] UsualPaths(Uri page)
    {
        var firstSegment = page.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return firstSegment is { Length: > 1 } && firstSegment[0] == '@' ? [$"/feed/{firstSegment}", .. CommonPaths] : CommonPaths;
    }

    private static bool LooksLikeHtml(FetchResult fetched)
    {
        if (fetched.ContentType is { } type && (type.Contains("html", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var start = Encoding.UTF8.GetString(fetched.Body, 0, Math.Min(fetched.Body.Length, 1024)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
               || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
               || start.StartsWith("<head", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The feeds a page announces in document order, resolved against its <c>&lt;base&gt;</c> and address.</summary>
    internal static IEnumerable<Uri> LinkedFeeds(byte[] html, Uri location)
    {
        using var document = new HtmlParser().ParseDocument(new MemoryStream(html, writable: false));
        var baseUri = location;
        if (document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref && Uri.TryCreate(location, baseHref.Trim(), out var declared)
            && (declared.Scheme == Uri.UriSchemeHttp || declared.Scheme == Uri.UriSchemeHttps))
        {
            baseUri = declared;
        }

        var feeds = new List<(Uri Href, bool AboutComments)>();
        foreach (var link in document.QuerySelectorAll("link[href][type]"))
        {
            var rel = (link.GetAttribute("rel") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var type = link.GetAttribute("type")!.Split(';')[0].Trim();
            if (rel.Contains("alternate", StringComparer.OrdinalIgnoreCase) && FeedMediaTypes.Contains(type)
                && Uri.TryCreate(baseUri, link.GetAttribute("href")!.Trim(), out var href)
                && (href.Scheme == Uri.UriSchemeHttp || href.Scheme == Uri.UriSchemeHttps))
            {
                var aboutComments = href.AbsoluteUri.Contains("comment", StringComparison.OrdinalIgnoreCase)
                                    || (link.GetAttribute("title")?.Contains("comment", StringComparison.OrdinalIgnoreCase) ?? false);
                feeds.Add((href, aboutComments));
            }
        }

        // Pages announce comment feeds and per-post feeds next to the site's feed: the site-wide feed comes first.
        return feeds.OrderBy(f => f.AboutComments).ThenBy(f => f.Href.Segments.Length).Select(f => f.Href).ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery at {Url} found {FeedCount} feeds after {AttemptCount} attempts")]
    private static partial void LogDiscovered(ILogger logger, Uri url, int feedCount, int attemptCount);
}
