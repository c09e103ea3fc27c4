using System.CommandLine;
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
    private const string LiteDbPrefix = "litedb:";

    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The embedded installation to copy", HelpName = "litedb:PATH", Required = true };
        from.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is null || !value.StartsWith(LiteDbPrefix, StringComparison.OrdinalIgnoreCase) || value.Length == LiteDbPrefix.Length)
            {
                result.AddError($"migrate needs --from litedb:PATH --to postgres; '{value}' is not litedb: and the path of a LiteDB file");
            }
        });
        var to = new Option<string>("--to") { Description = "The store to copy into: the PostgreSQL database of ConnectionStrings:Postgres", HelpName = "postgres", Required = true };
        to.AcceptOnlyFromAmong("postgres");
        var migrate = new Command("migrate", "Copy an embedded installation (sources, articles, curators) into PostgreSQL; safe to re-run") { from, to };
        migrate.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync(WhenNoStore.NotOpened,
            (services, token) => RunAsync(parsed.GetValue(from)![LiteDbPrefix.Length..], services, token)));
        return migrate;
    }

    private static async Task<int> RunAsync(string path, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return await FeedHubCommandLine.FailAsync($"there is no LiteDB database at {Path.GetFullPath(path)}");
        }

        var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new UsageException("set ConnectionStrings:Postgres (environment: ConnectionStrings__Postgres) to the target database");
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
        // The record of past OPML imports stays behind, so their ids must not point at batches the target will number afresh.
        foreach (var copied in sources)
        {
            copied.ImportBatch = null;
        }

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
                await target.ChangeCuratorAsync(existing.Id, stored =>
                {
                    (stored.Name, stored.PasswordHash, stored.CreatedAt, stored.Tokens) = (curator.Name, curator.PasswordHash, curator.CreatedAt, curator.Tokens);
                    return true;
                }, cancellationToken);
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

    /// <summary>
    /// The settings a store keeps: a migrated installation must not import its starter sources again, and goes on
    /// minting entry ids (and digest entry ids) with the same authority.
    /// </summary>
    private static readonly string[] MigratedSettings = [Worker.StarterSourcesImport.DoneSetting, Core.Ingest.EntryIds.InstallationAuthoritySetting];
}
