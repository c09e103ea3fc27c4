using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Storage.LiteDb;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.Benchmarks;

/// <summary>A web-only FeedHub node on a free 127.0.0.1 port, as the page benchmarks measure it over HTTP.</summary>
internal static class BenchWebNode
{
    /// <summary>Builds and starts the node with <paramref name="settings"/> (its store, mostly) after the common ones.</summary>
    public static async Task<(WebApplication App, string Address)> StartAsync(params string[] settings)
    {
        var app = FeedHubApp.Build(
        [
            "--FeedHub:Urls=http://127.0.0.1:0", "--FeedHub:Roles=web", "--FeedHub:StarterSources=", "--Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        await app.StartAsync();

        // A LiteDB file seeded without its search index rebuilds it in the background: measured once it is done, as
        // a server runs.
        if (app.Services.GetRequiredService<IFeedStore>() is LiteDbFeedStore lite)
        {
            await lite.SearchIndexReady;
        }

        return (app, app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }
}
