using FeedHub.Core.Fetcher;
using FeedHub.Core.Polling;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedHub.Worker;

public static class WorkerServices
{
    /// <summary>The polling side: Quartz with one job per source, the schedule synchroniser and the starter sources.</summary>
    public static IServiceCollection AddFeedHubWorker(this IServiceCollection services, IConfiguration configuration)
    {
        var fetcher = configuration.GetSection(FetcherOptions.Section).Get<FetcherOptions>() ?? new FetcherOptions();
        services.AddSingleton<SourceScheduler>();
        services.AddSingleton<IPollScheduler>(provider => provider.GetRequiredService<SourceScheduler>());
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "feedhub";
                scheduler.GenerateInstanceId = true;
            });
            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = Math.Max(2, fetcher.MaxConcurrency));
            quartz.AddJob<ScheduleSyncJob>(job => job.WithIdentity(ScheduleSyncJob.Key).StoreDurably());
            quartz.AddTrigger(trigger => trigger
                .ForJob(ScheduleSyncJob.Key)
                .WithIdentity("schedule-sync", "system")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        services.AddHostedService<StarterSourcesImport>();
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
