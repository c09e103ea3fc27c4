using System.Diagnostics;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;

namespace FeedHub.Cli;

/// <summary>
/// <c>feedhub migrate --from litedb:PATH --to postgres</c>: copies an embedded installation (sources with their
/// settings and fetch state, articles, curators) into the PostgreSQL store of <c>ConnectionStrings:Postgres</c>,
/// keeping every id. Rows already copied are replaced, so the command can be re-run.
/// </summary>
public static class MigrateCommand
{
    private const int BatchSize = 1000;
    private const string Usage = "migrate needs: --from litedb:PATH --to postgres (with ConnectionStrings:Postgres set)";

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, CancellationToken cancellationToken)
    {
        var from = Option(args, "--from");
        var to = Option(args, "--to");
        if (from is null || !from.StartsWith("litedb:", StringComparison.OrdinalIgnoreCase) || from.Length == "litedb:".Length
            || !string.Equals(to, "postgres", StringComparison.OrdinalIgnoreCase) || args.Length != 4)
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, Usage);
        }

        var path = from["litedb:".Length..];
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"feedhub: there is no LiteDB database at {Path.GetFullPath(path)}");
            return FeedHubCommandLine.Failure;
        }

        var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "set ConnectionStrings:Postgres (environment: ConnectionStrings__Postgres) to the target database");
        }

        var clock = Stopwatch.StartNew();
        // The copy only reads, and PostgreSQL indexes what it receives: the embedded search index is not opened (nor rebuilt).
        using var source = new LiteDbFeedStore(path, new LiteDbSearchOptions { Enabled = false });
        await using var target = await PostgresFeedStore.OpenAsync(connectionString, cancellationToken);
        var counts = await CopyAsync(source, target, cancellationToken);
        Console.WriteLine($"copied {counts.Sources} sources, {counts.Articles} articles and {counts.Curators} curators from {path} to PostgreSQL in {clock.Elapsed.TotalSeconds:0.0} s");
        return FeedHubCommandLine.Success;
    }

    public static async Task<(int Sources, long Articles, int Curators)> CopyAsync(IFeedStore source, PostgresFeedStore target, CancellationToken cancellationToken)
    {
        var sources = await source.ListSourcesAsync(cancellationToken);
        await target.ImportSourcesAsync(sources, cancellationToken);

        long articles = 0;
        ArticleCursor? cursor = null;
        while (true)
        {
            var batch = await source.ListArticlesAsync(new ArticleQuery { Before = cursor, Limit = BatchSize }, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            await target.ImportArticlesAsync(batch, cancellationToken);
            articles += batch.Count;
            cursor = ArticleCursor.Of(batch[^1]);
            if (!Console.IsOutputRedirected)
            {
                Console.Write($"\rcopied {articles} articles…");
            }
        }

        if (!Console.IsOutputRedirected && articles > 0)
        {
            Console.WriteLine();
        }

        var curators = await source.ListCuratorsAsync(cancellationToken);
        foreach (var curator in curators)
        {
            if (await target.GetCuratorByNameAsync(curator.Name, cancellationToken) is { } existing)
            {
                curator.Id = existing.Id;
                await target.UpdateCuratorAsync(curator, cancellationToken);
            }
            else
            {
                await target.AddCuratorAsync(curator, cancellationToken);
            }
        }

        foreach (var setting in MigratedSettings)
        {
            if (await source.GetSettingAsync(setting, cancellationToken) is { } value)
            {
                await target.SetSettingAsync(setting, value, cancellationToken);
            }
        }

        return (sources.Count, articles, curators.Count);
    }

    /// <summary>The settings a store keeps (a migrated installation must not import its starter sources again).</summary>
    private static readonly string[] MigratedSettings = [Worker.StarterSourcesImport.DoneSetting];

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
