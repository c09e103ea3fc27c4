using System.Net;
using FeedHub.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace FeedHub.Web;

/// <summary>
/// Where FeedHub is reached from outside, for every absolute link in pages and feeds: <c>FeedHub:Site:BaseUrl</c>
/// when set; otherwise the request's own scheme and host, as corrected by the forwarded headers of a known proxy
/// (<c>FeedHub:Site:KnownProxies</c>), with a warning, once, that the base URL should be set.
/// </summary>
public sealed partial class PublicAddress(IOptions<SiteOptions> options, ILogger<PublicAddress> logger)
{
    private readonly Uri? _baseUri = options.Value.BaseUri;
    private int _warned;

    /// <summary>Whether links follow the request (no base URL set), so responses differ by scheme and host.</summary>
    public bool FollowsRequest => _baseUri is null;

    /// <summary>The public origin, ending in a slash (with the base URL's path, if it has one).</summary>
    public Uri Of(HttpContext context)
    {
        if (_baseUri is not null)
        {
            return _baseUri;
        }

        var request = context.Request;
        var origin = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LinksFollowTheRequest(logger, origin);
        }

        return origin;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "FeedHub:Site:BaseUrl is not set: links and feed addresses follow each request's host (now {Origin}); set it to the public address so feeds read the same however they are reached")]
    private static partial void LinksFollowTheRequest(ILogger logger, Uri origin);
}

public static class PublicAddressSetup
{
    public static IServiceCollection AddPublicAddress(this IServiceCollection services)
    {
        services.AddSingleton<PublicAddress>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SiteOptions>>((forwarded, site) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;

            // Only the listed proxies are believed: not even loopback by default.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in site.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return services;
    }

    /// <summary>Believes the forwarded headers of the known proxies, when there are any.</summary>
    public static IApplicationBuilder UseKnownProxies(this IApplicationBuilder app)
        => app.ApplicationServices.GetRequiredService<IOptions<SiteOptions>>().Value.KnownProxies.Count > 0 ? app.UseForwardedHeaders() : app;
}
