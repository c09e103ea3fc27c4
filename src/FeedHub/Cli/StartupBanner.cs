using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FeedHub.Cli;

/// <summary>
/// What <c>feedhub serve</c> prints once it listens: where, on which store, how many sources, and what to do next;
/// while no curator exists, the one-time set-up link that creates the first one without stopping the server.
/// </summary>
public static class StartupBanner
{
    public static async Task WriteAsync(WebApplication app, TextWriter output, CancellationToken cancellationToken)
    {
        var services = app.Services;
        var options = services.GetRequiredService<IOptions<FeedHubOptions>>().Value;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var store = services.GetRequiredService<IFeedStore>();
        var address = Address(services);
        var sources = await store.ListSourcesAsync(cancellationToken);
        var roles = string.Join(" and ", new[] { options.RunsWeb ? "web" : null, options.RunsWorker ? "worker" : null }.OfType<string>());

        var lines = new List<string>
        {
            $"FeedHub is running ({roles}) at {address}",
            $"  store:   {Describe(storage, services.GetRequiredService<IConfiguration>())}",
            $"  sources: {sources.Count} ({sources.Count(s => s.State == SourceState.Active)} active, {sources.Count(s => s.State == SourceState.Paused)} paused)",
        };
        var setupToken = options.RunsWeb ? await services.GetRequiredService<CuratorSetup>().IssueTokenAsync(cancellationToken) : null;
        if (setupToken is not null)
        {
            lines.Add("  next:    no curator yet. Create the first one (name and password) with this one-time link, valid until then:");
            lines.Add($"           {address}{CuratorSetup.Path}?token={setupToken}");
            lines.Add($"           or: curl -H 'Content-Type: application/json' -d '{{\"token\":\"{setupToken}\",\"name\":\"NAME\",\"password\":\"…\"}}' {address}{CuratorSetup.Path}");
            if (!storage.UsesPostgres)
            {
                lines.Add("           (feedhub curators add cannot open the embedded store while this server runs: use the link)");
            }
        }
        else if (options.RunsWeb && sources.Count == 0)
        {
            lines.Add($"  next:    add a source at {address}/admin/add, or POST /api/sources with a curator's token");
        }
        else if (options.RunsWeb)
        {
            lines.Add($"  next:    the reading list is at {address}/, the curator pages at {address}/admin");
        }
        else
        {
            lines.Add("  next:    this node only polls; start nodes with the web role to serve pages");
        }

        lines.Add("Press Ctrl+C to stop.");
        await output.WriteLineAsync(string.Join(Environment.NewLine, lines));
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>The address to give people: the first one listened on, with a wildcard host shown as 127.0.0.1.</summary>
    private static string Address(IServiceProvider services)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        return address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    /// <summary>The store in words, without secrets: the LiteDB file, or PostgreSQL's host and database.</summary>
    private static string Describe(StorageOptions storage, IConfiguration configuration)
    {
        if (!storage.UsesPostgres)
        {
            return $"LiteDB file {Path.GetFullPath(storage.LiteDb.Path)}";
        }

        var connection = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Postgres"));
        return $"PostgreSQL database {connection.Database ?? connection.Username} on {connection.Host}:{connection.Port}";
    }
}
