using FeedHub.Core.Fetcher;
using FeedHub.Core.Polling;
using FeedHub.Hosting;
using FeedHub.Storage.Postgres;
using FeedHub.WebSub;
using Npgsql;
using Quartz;

namespace FeedHub.Worker;

public static class SchedulerServices
{
    /// <summary>
    /// Quartz, as every FeedHub process uses it. On PostgreSQL it is the clustered job store every process shares:
    /// workers (<paramref name="runsJobs"/>) start it and poll; web nodes and command-line commands never start it
    /// and only write the polls they want to its tables, where the workers find them at their next look. On LiteDB
    /// it is in memory, started by the process that polls.
    /// </summary>
    public static IServiceCollection AddFeedHubScheduler(this IServiceCollection services, IConfiguration configuration, bool runsJobs)
    {
        services.Configure<ClusterOptions>(configuration.GetSection(ClusterOptions.Section));
        services.AddSingleton<SourceScheduler>();
        services.AddSingleton<IPollScheduler>(provider => provider.GetRequiredService<SourceScheduler>());
        var fetcher = BoundOptions.Read<FetcherOptions>(configuration, FetcherOptions.Section);
        var storage = BoundOptions.Read<StorageOptions>(configuration, StorageOptions.Section);
        var cluster = BoundOptions.Read<ClusterOptions>(configuration, ClusterOptions.Section);
        var polling = BoundOptions.Read<PollingOptions>(configuration, PollingOptions.Section);
        var threads = runsJobs ? Math.Max(2, fetcher.MaxConcurrency) : 1;
        services.AddSingleton(provider => new PollTurns(storage.UsesPostgres ? configuration.GetConnectionString("Postgres") : null, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<PollTurns>>()));
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = "feedhub";
                scheduler.GenerateInstanceId = true;
                if (storage.UsesPostgres)
                {
                    // Never more than the threads (Quartz refuses to start): a web node or a command has one.
                    scheduler.MaxBatchSize = Math.Clamp(cluster.MaxBatchSize, 1, threads);
                    scheduler.IdleWaitTime = cluster.IdleWaitTime;
                    // A round takes the triggers due within FireAhead of its first, and fires them together (that
                    // much early): a poll on its slot is given the next one as long as it fires less than half an
                    // interval early, hence at most a quarter of the shortest.
                    scheduler.BatchTriggerAcquisitionFireAheadTimeWindow = cluster.FireAhead < polling.MinInterval / 4 ? cluster.FireAhead : polling.MinInterval / 4;
                }
            });
            if (storage.UsesPostgres)
            {
                // Worker nodes share one clustered job store: each due poll fires on exactly one node, and the jobs of
                // a node that dies are recovered by the others after the check-in threshold.
                quartz.UsePersistentStore(store =>
                {
                    // Quartz's own pool: a trigger's firing runs the same few dozen statements every time.
                    store.UsePostgres(NpgsqlFactory.Instance, RepeatedStatements.ConnectionString(configuration.GetConnectionString("Postgres")!));
                    store.UseClustering(clustering =>
                    {
                        clustering.CheckinInterval = cluster.CheckinInterval;
                        clustering.CheckinMisfireThreshold = cluster.CheckinMisfireThreshold;
                    });
                    // Nodes take their rounds in turn under TRIGGER_ACCESS. Quartz's lock-free rounds (a claim is a
                    // compare-and-swap) let the node that lost a claim take the lock for its next rounds while the
                    // winner goes on without it and keeps winning: 200 feeds imported at once split 63/37 and 65/35
                    // between two workers, where the lock splits them 50/50 (ClusterTests). It costs each round one
                    // SELECT ... FOR UPDATE, once a second per node when idle.
                    store.ConfigureStore(options => options.AcquireTriggersWithinLock = true);
                    store.ProvisionSchema();
                });
            }

            // An article page counts towards its host's politeness like a feed, and waits in the queue rather than
            // in a thread: at most MaxPerHost - 1 pages of one host at a time on a node. Across the cluster the host's
            // slots hold them to as many (a page never takes the first one, ClusterHostThrottle), so a slot is left
            // for the host's feeds; a page of another node waits for a page's slot in its thread. Counted by Quartz
            // across the cluster instead, every round of every node would also count the cluster's firings in flight.
            quartz.UseExecutionLimits(limits => limits.ForGroupsWithPrefix(
                SourceScheduler.PageExecutionGroupPrefix, Math.Max(1, fetcher.MaxPerHost - 1), ExecutionLimitScope.Node));
            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = threads);
            if (runsJobs)
            {
                quartz.AddJob<ExtractJob>(job => job.WithIdentity(SourceScheduler.PagesJobKey).StoreDurably().RequestRecovery());
                quartz.AddJob<ScheduleSyncJob>(job => job.WithIdentity(ScheduleSyncJob.Key).StoreDurably());
                quartz.AddTrigger(trigger => trigger
                    .ForJob(ScheduleSyncJob.Key)
                    .WithIdentity("schedule-sync", "system")
                    .StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
                quartz.AddJob<PendingPagesJob>(job => job.WithIdentity(PendingPagesJob.Key).StoreDurably());
                quartz.AddTrigger(trigger => trigger
                    .ForJob(PendingPagesJob.Key)
                    .WithIdentity("pending-pages", "system")
                    .StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(polling.PendingPagesCheck).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
                WebSubScheduler.AddJobs(quartz);
            }
        });
        if (runsJobs)
        {
            services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        }

        return services;
    }
}
