using FeedHub.Core.WebSub;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;

namespace FeedHub.WebSub;

/// <summary>
/// FeedHub as the WebSub hub of its own feeds: where the hub is (<c>/websub</c> under the public address) and how a
/// feed advertises it (the HTTP <c>Link</c> header here; <c>rel="hub"</c> in the document through
/// <see cref="Core.Publishing.PublishedFeed.HubUrl"/>).
/// </summary>
public sealed class WebSubHub(IOptions<WebSubOptions> options, IOptions<SiteOptions> site)
{
    public const string Path = "websub";

    public bool Enabled => options.Value.Hub.Enabled;

    public static Uri HubUrl(Uri origin) => new(origin, Path);

    /// <summary>
    /// The public origin a topic's feed is rendered for: the base URL when set, otherwise the topic's own scheme and
    /// host (it was checked to be FeedHub's own address when it was subscribed to).
    /// </summary>
    public Uri OriginOf(Uri topic) => site.Value.BaseUri ?? new Uri(topic.GetLeftPart(UriPartial.Authority) + "/");

    /// <summary>Says on a response which hub pushes this feed and what its topic is; returns the hub, or null when the hub is off.</summary>
    public Uri? AdvertiseOn(HttpResponse response, Uri origin, Uri self)
    {
        if (!Enabled)
        {
            return null;
        }

        var hub = HubUrl(origin);
        response.Headers.Link = LinkHeader(hub, self);
        return hub;
    }

    /// <summary>WebSub's discovery header: <c>Link: &lt;hub&gt;; rel="hub", &lt;self&gt;; rel="self"</c>.</summary>
    public static string LinkHeader(Uri hub, Uri self) => $"<{hub.AbsoluteUri}>; rel=\"hub\", <{self.AbsoluteUri}>; rel=\"self\"";
}
