using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedHub.Tests.Support;

/// <summary>
/// A web site on a real Kestrel port of 127.0.0.1 whose routes a test maps (minimal APIs), recording every request's
/// path and <c>Authorization</c> header: what a site behind a password, or one a feed redirects to, was sent.
/// </summary>
public sealed class KestrelSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelSite(WebApplication app) => _app = app;

    public ConcurrentQueue<SiteRequest> Requests { get; } = new();

    public Uri BaseUri { get; private set; } = null!;

    public Uri Url(string path) => new(BaseUri, path);

    public static async Task<KestrelSite> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new KestrelSite(app);
        app.Use((context, next) =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            site.Requests.Enqueue(new SiteRequest(context.Request.Path.Value ?? "/", authorization.Length > 0 ? authorization : null));
            return next(context);
        });
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site.BaseUri = new Uri(address + "/");
        return site;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>One request a <see cref="KestrelSite"/> received: its path, and its <c>Authorization</c> header if it had one.</summary>
public sealed record SiteRequest(string Path, string? Authorization);
