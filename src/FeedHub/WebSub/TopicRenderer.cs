using System.Globalization;
using System.Security.Cryptography;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Web;
using FeedHub.Web.Digests;
using FeedHub.Web.Images;
using FeedHub.Web.Rendering;
using Microsoft.Extensions.Options;

namespace FeedHub.WebSub;

/// <summary>A topic's current document as a GET of its address would return it, with its digest.</summary>
public sealed record RenderedTopic(byte[] Body, string MediaType, string Hash, Uri Self, Uri Hub);

/// <summary>
/// Renders the feeds FeedHub is the hub of, on any node (workers included), the same way the feed endpoints do. A
/// topic is rendered once per version of what it shows (and digest day): the same content always has the same digest, so
/// an unchanged feed is never delivered twice, even one whose empty page says it was updated "now".
/// </summary>
public sealed class TopicRenderer(
    IServiceScopeFactory scopes, IFeedStore store, River river, Digest digest, DigestFeedEntries digestEntries, ComponentRenderer pages, IOptions<SiteOptions> site,
    TimeProvider time, ImageLinks images, IOptions<ImageProxyOptions> imageOptions)
{
    private const int MaxCached = 1024;

    /// <summary>
    /// What the kept bodies may take in all: topics are whatever subscribers ask for (a search, a category), and a
    /// digest feed is about a megabyte a day, so a count alone let subscriptions keep hundreds of megabytes.
    /// </summary>
    internal const long MaxCachedBytes = 64L * 1024 * 1024;

    private readonly BoundedCache<string, Kept> _cache = new(MaxCached, MaxCachedBytes, kept => kept.Rendered.Body.LongLength);

    public async Task<RenderedTopic> RenderAsync(FeedTopic topic, CancellationToken cancellationToken)
    {
        var self = topic.Self;
        // Only what the topic shows: a new post today leaves the digest feed's finished days as they were.
        IReadOnlyCollection<ContentScope> shown = topic.IsDigest
            ? [.. ContentScope.Hours(digest.Bounds(digest.Today.AddDays(-digest.Options.DaysInFeed)).Start, digest.Bounds(digest.Today).Start)]
            : River.ScopesOf(topic.Filter);
        var version = await store.GetContentVersionAsync(shown, cancellationToken);
        var stamp = string.Create(CultureInfo.InvariantCulture, $"{version}|{digest.Today:yyyy-MM-dd}");
        if (_cache.TryGetValue(self.AbsoluteUri, out var cached) && cached.Stamp == stamp)
        {
            return cached.Rendered;
        }

        var hub = WebSubHub.HubUrl(topic.Origin);
        byte[] body;
        if (topic.IsDigest)
        {
            // The digest's entries are Razor components, which render within a request: this one names the public origin.
            await using var scope = scopes.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = cancellationToken };
            context.Request.Scheme = topic.Origin.Scheme;
            context.Request.Host = new HostString(topic.Origin.Authority);
            var feed = await DigestPages.RenderFeedAsync(context, digest, store, digestEntries, pages, site.Value, time, topic.Origin, topic.Format, hub);
            body = await feed.ToArrayAsync(cancellationToken);
        }
        else
        {
            body = await MergedFeeds.RenderAsync(river, store, site.Value, time, topic.Filter, null, topic.Origin, topic.Format, hub,
                imageOptions.Value.ProxyInFeeds ? images : null, cancellationToken);
        }

        var rendered = new RenderedTopic(body, topic.Format.MediaType, Convert.ToHexStringLower(SHA256.HashData(body)), self, hub);
        _cache.Set(self.AbsoluteUri, new(stamp, rendered));
        return rendered;
    }

    /// <summary>A topic's rendering and what it was rendered from (the content's version and the digest's day).</summary>
    private sealed record Kept(string Stamp, RenderedTopic Rendered);
}
