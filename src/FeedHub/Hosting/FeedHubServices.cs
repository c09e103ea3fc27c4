using FeedHub.Core.Curation;
using FeedHub.Core.Discovery;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Polling;
using FeedHub.Core.Publishing;
using FeedHub.Core.Readability;
using FeedHub.Core.Sanitizer;
using FeedHub.Core.Settings;
using FeedHub.Core.Storage;
using FeedHub.Core.WebSub;
using FeedHub.Curators;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using Microsoft.AspNetCore.Identity;
using Npgsql;
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
        services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiteOptions>, SiteOptionsValidation>();
        services.AddOptions<FetcherOptions>().BindConfiguration(FetcherOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FetcherOptions>, CheckedOptionsValidator<FetcherOptions>>();
        services.AddOptions<PollingOptions>().BindConfiguration(PollingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PollingOptions>, CheckedOptionsValidator<PollingOptions>>();
        services.AddOptions<DigestOptions>().BindConfiguration(DigestOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DigestOptions>, CheckedOptionsValidator<DigestOptions>>();
        services.AddOptions<WebSubOptions>().BindConfiguration(WebSubOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebSubOptions>, WebSubOptionsValidator>();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StoreWrites>();
        var storage = BoundOptions.Read<StorageOptions>(configuration, StorageOptions.Section);
        if (storage.UsesPostgres)
        {
            var connectionString = configuration.GetConnectionString("Postgres")
                ?? throw new InvalidOperationException("FeedHub:Storage:Provider is Postgres but ConnectionStrings:Postgres is not set (environment: ConnectionStrings__Postgres)");
            // On the thread pool: whoever resolves the store first (a page's renderer, a test's context) has no context to block.
            services.AddSingleton<IFeedStore>(_ => Task.Run(() => PostgresFeedStore.OpenAsync(connectionString, CancellationToken.None)).GetAwaiter().GetResult());
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            // The host slots' own pool, whose connections are not reset when given back: a slot is a session lock
            // its request lets go of itself, and the reset was a DISCARD ALL at every fetch, a fifth of the
            // statements of a poll answered 304.
            services.AddKeyedSingleton(nameof(ClusterHostThrottle), (_, _) => NpgsqlDataSource.Create(RepeatedStatements.ConnectionString(connectionString)));
            services.AddSingleton<IHostThrottle>(provider =>
            {
                var fetcher = provider.GetRequiredService<IOptions<FetcherOptions>>().Value;
                return new ClusterHostThrottle(
                    provider.GetRequiredKeyedService<NpgsqlDataSource>(nameof(ClusterHostThrottle)), new HostThrottle(fetcher.MaxConcurrency, fetcher.MaxPerHost), fetcher.MaxPerHost);
            });
        }
        else
        {
            services.AddSingleton<IFeedStore>(provider => new LiteDbFeedStore(
                provider.GetRequiredService<IOptions<StorageOptions>>().Value.LiteDb.Path, logger: provider.GetRequiredService<ILogger<LiteDbFeedStore>>()));
            services.AddSingleton<IHostThrottle>(provider =>
            {
                var fetcher = provider.GetRequiredService<IOptions<FetcherOptions>>().Value;
                return new HostThrottle(fetcher.MaxConcurrency, fetcher.MaxPerHost);
            });
        }
        // Without the factory's request logging: its lines are below the Warning level System.Net.Http.HttpClient is
        // kept at, yet its two handlers formatted the address, timed the request and opened a logging scope on every
        // fetch; FeedFetcher logs what a curator can act on itself.
        services.AddHttpClient<FeedFetcher>(FetcherClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => FeedFetcher.CreateHandler(provider.GetRequiredService<IOptions<FetcherOptions>>().Value))
            .RemoveAllLoggers();

        services.AddOptions<FeedReaderOptions>().BindConfiguration(FeedReaderOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedReaderOptions>, CheckedOptionsValidator<FeedReaderOptions>>();
        services.AddSingleton(provider => new FeedReader(provider.GetRequiredService<IOptions<FeedReaderOptions>>().Value));
        services.AddSingleton<HtmlContentSanitizer>();
        services.AddSingleton(provider => new EntryIdAuthority(
            provider.GetRequiredService<IFeedStore>(), provider.GetRequiredService<IOptions<SiteOptions>>().Value.BaseUri?.IdnHost));
        services.AddSingleton<ArticleIngester>();
        services.AddSingleton<ArticleExtractor>();
        services.AddTransient<FullTextFetcher>();
        services.AddTransient<SourcePoller>();
        services.AddSingleton(_ => new IngestGate());
        services.AddSingleton<QuietPollSaves>();
        services.AddSingleton<PollMetrics>();
        services.AddTransient<SourceCatalog>();
        services.AddSingleton<SourceHealthReport>();
        services.AddTransient<FeedDiscovery>();
        services.AddSingleton<IPasswordHasher<Curator>, PasswordHasher<Curator>>();
        services.AddSingleton<CuratorAccounts>();
        services.AddSingleton<River>();
        services.AddSingleton<Digest>();
        return services;
    }
}
