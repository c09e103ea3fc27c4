namespace FeedHub.Worker;

public static class WorkerServices
{
    /// <summary>
    /// The polling side: the started scheduler that runs polls, pages and the schedule synchroniser, and the starter
    /// sources.
    /// </summary>
    public static IServiceCollection AddFeedHubWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddFeedHubScheduler(configuration, runsJobs: true);
        services.AddHostedService<StarterSourcesImport>();
        return services;
    }
}
