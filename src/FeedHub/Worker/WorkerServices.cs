using FeedHub.Core.Fetcher;
using FeedHub.Core.Polling;
using Microsoft.Extensions.Options;
using FeedHub.Hosting;
using Npgsql;
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
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "feedhub";
                scheduler.GenerateInstanceId = true;
                if (storage.UsesPostgres)
                {
                    scheduler.MaxBatchSize = Math.Max(1, cluster.MaxBatchSize);
                    scheduler.IdleWaitTime = cluster.IdleWaitTime;
                }
            });
            if (storage.UsesPostgres)
            {
                // Worker nodes share one clustered job store: each due poll fires on exactly one node, and the jobs of
                // a node that dies are recovered by the others after the check-in threshold.
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(NpgsqlFactory.Instance, configuration.GetConnectionString("Postgres")!);
                    store.UseClustering(clustering =>
                    {
                        clustering.CheckinInterval = cluster.CheckinInterval;
                        clustering.CheckinMisfireThreshold = cluster.CheckinMisfireThreshold;
                    });
                    // Without the lock, two nodes acquiring one trigger at a time race for the same row; the loser
                    // comes back empty-handed and idles, and the split drifts to 65/35. Under the lock they take turns.
                    store.ConfigureStore(options => options.AcquireTriggersWithinLock = true);
                    store.ProvisionSchema();
                });
            }

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
