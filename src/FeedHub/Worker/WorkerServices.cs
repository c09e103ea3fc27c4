namespace FeedHub.Worker;

public static class WorkerServices
{
    /// <summary>
    /// The polling side: the started scheduler that runs polls, pages and the schedule synchroniser, the starter
    /// sources, and the memory given back when polling is idle.
    /// </summary>
    public static IServiceCollection AddFeedHubWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFeedHubScheduler(configuration, runsJobs: true);
        services.AddHostedService<StarterSourcesImport>();
        services.AddHostedService<IdleMemoryReturn>();
        return services;
    }
}
