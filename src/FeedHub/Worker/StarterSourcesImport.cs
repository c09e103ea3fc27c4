using FeedHub.Core.Curation;
using FeedHub.Core.Opml;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;

namespace FeedHub.Worker;

/// <summary>On the very first start of a store, subscribes to the starter sources of <c>config/sources.opml</c>.</summary>
public sealed partial class StarterSourcesImport(
    IFeedStore store,
    IServiceScopeFactory scopes,
    IOptions<FeedHubOptions> options,
    ILogger<StarterSourcesImport> logger) : IHostedService
{
    public const string DoneSetting = "starter-sources-imported";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Claimed before importing: worker nodes starting together on an empty PostgreSQL import the list once.
        if (string.IsNullOrWhiteSpace(options.Value.StarterSources))
        {
            return;
        }

        var path = FeedHubConfiguration.LocateFile(options.Value.StarterSources);
        if (!File.Exists(path))
        {
            LogMissing(logger, options.Value.StarterSources, path);
            return;
        }

        if (!await store.ClaimSettingAsync(DoneSetting, "true", cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if ((await store.ListSourcesAsync(cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            await using var stream = File.OpenRead(path);
            using var scope = scopes.CreateScope();
            var report = await scope.ServiceProvider.GetRequiredService<SourceCatalog>()
                .ImportAsync(OpmlReader.Read(stream), new OpmlImportOptions($"starter sources {path}"), null, cancellationToken).ConfigureAwait(false);
            LogImported(logger, report.Added, path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No starter sources: {Configured} (FeedHub:StarterSources) is not at {Path}")]
    private static partial void LogMissing(ILogger logger, string configured, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to {Count} starter sources from {Path}")]
    private static partial void LogImported(ILogger logger, int count, string path);
}
