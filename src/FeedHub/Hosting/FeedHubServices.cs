using FeedHub.Core.Curation;
using FeedHub.Core.Discovery;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Parser;
using FeedHub.Core.Polling;
using FeedHub.Core.Publishing;
using FeedHub.Core.Readability;
using FeedHub.Core.Sanitizer;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Storage.LiteDb;
using Microsoft.Extensions.Options;

namespace FeedHub.Hosting;

public static class FeedHubServices
{
    public const string FetcherClient = "feedhub-fetcher";

    /// <summary>The pipeline every FeedHub process needs (store, fetcher, parser, ingest, polling), without web or scheduler.</summary>
    public static IServiceCollection AddFeedHubCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<FeedHubOptions>(configuration.GetSection(FeedHubOptions.Section));
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.Configure<SiteOptions>(configuration.GetSection(SiteOptions.Section));
        services.Configure<FetcherOptions>(configuration.GetSection(FetcherOptions.Section));
        services.Configure<PollingOptions>(configuration.GetSection(PollingOptions.Section));
        services.Configure<DigestOptions>(configuration.GetSection(DigestOptions.Section));

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IFeedStore>(provider => OpenStore(provider.GetRequiredService<IOptions<StorageOptions>>().Value));

        services.AddSingleton<IHostThrottle>(provider =>
        {
            var fetcher = provider.GetRequiredService<IOptions<FetcherOptions>>().Value;
            return new HostThrottle(fetcher.MaxConcurrency, fetcher.MaxPerHost);
        });
        services.AddHttpClient<FeedFetcher>(FetcherClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => FeedFetcher.CreateHandler(provider.GetRequiredService<IOptions<FetcherOptions>>().Value));

        services.AddSingleton<FeedReader>();
        services.AddSingleton<HtmlContentSanitizer>();
        services.AddSingleton<ArticleIngester>();
        services.AddSingleton<ArticleExtractor>();
        services.AddTransient<FullTextFetcher>();
        services.AddTransient<SourcePoller>();
        services.AddSingleton<IPollScheduler, ScheduleSyncPicksUp>();
        services.AddTransient<SourceCatalog>();
        services.AddSingleton<SourceHealthReport>();
        services.AddTransient<FeedDiscovery>();
        services.AddSingleton<CuratorAccounts>();
        services.AddSingleton<River>();
        services.AddSingleton<Digest>();
        return services;
    }

    private static LiteDbFeedStore OpenStore(StorageOptions options) => options.Provider.ToUpperInvariant() switch
    {
        "LITEDB" => new LiteDbFeedStore(options.LiteDb.Path),
        _ => throw new InvalidOperationException($"FeedHub:Storage:Provider '{options.Provider}' is not known; use LiteDb"),
    };
}
