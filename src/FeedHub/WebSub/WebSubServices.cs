using FeedHub.Core.Fetcher;
using Microsoft.Extensions.Options;

namespace FeedHub.WebSub;

public static class WebSubServices
{
    /// <summary>WebSub in both directions: the hub of FeedHub's feeds and the subscriber to its sources' hubs.</summary>
    public static IServiceCollection AddWebSub(this IServiceCollection services)
    {
        services.AddHttpClient(WebSubHttp.ClientName, (provider, client) =>
            {
                var fetcher = provider.GetRequiredService<IOptions<FetcherOptions>>().Value;
                client.Timeout = TimeSpan.FromSeconds(Math.Max(1, fetcher.TimeoutSeconds));
                client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", fetcher.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(provider => FeedFetcher.CreateHandler(provider.GetRequiredService<IOptions<FetcherOptions>>().Value));
        services.AddSingleton<WebSubHub>();
        services.AddSingleton<TopicRenderer>();
        services.AddSingleton<WebSubScheduler>();
        services.AddSingleton<PushSubscriber>();
        return services;
    }
}
