using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Quartz;

namespace FeedHub.WebSub;

/// <summary>
/// WebSub's work as Quartz jobs, so that on a cluster exactly one worker does each piece and a retry survives a
/// restart: verifying a subscriber's intent, finding changed topics, delivering to one subscriber (one job per
/// subscription, never two deliveries to it at once), and asking a source's hub for a subscription.
/// </summary>
public sealed class WebSubScheduler(ISchedulerFactory schedulerFactory, TimeProvider timeProvider)
{
    public const string Group = "websub";
    public const string ModeKey = "mode";
    public const string TopicKey = "topic";
    public const string CallbackKey = "callback";
    public const string LeaseKey = "lease";
    public const string SecretKey = "secret";
    public const string DeniedKey = "denied";
    public const string SubscriptionIdKey = "subscriptionId";
    public const string AttemptKey = "attempt";
    public const string SourceIdKey = "sourceId";
    public const string HubKey = "hub";

    public static readonly JobKey VerifyJobKey = new("verify", Group);
    public static readonly JobKey DistributeJobKey = new("distribute", Group);
    public static readonly JobKey MaintainJobKey = new("maintain-push", Group);

    /// <summary>Past this, a late trigger still fires rather than being re-timed as misfired.</summary>
    private static readonly TimeSpan LateIsNotMissed = TimeSpan.FromDays(7);

    /// <summary>Queues the verification (or denial) of a subscription request; a newer request for the same topic and callback replaces a waiting one.</summary>
    public async Task QueueVerificationAsync(HubRequest request, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var name = "verify-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Topic + "\n" + request.Callback)).AsSpan(0, 16));
        var trigger = At(new TriggerKey(name, Group), VerifyJobKey, timeProvider.GetUtcNow(), new JobDataMap
        {
            [ModeKey] = request.Mode,
            [TopicKey] = request.Topic,
            [CallbackKey] = request.Callback,
            [LeaseKey] = request.LeaseSeconds,
            [SecretKey] = request.Secret ?? string.Empty,
            [DeniedKey] = request.Denied ?? string.Empty,
        });
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for a look at which topics changed; one waiting request covers any number of changes.</summary>
    public async Task RequestDistributionAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.ScheduleTrigger(At(new TriggerKey("distribute-now", Group), DistributeJobKey, timeProvider.GetUtcNow(), []), TriggerConflict.Keep, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Queues a delivery to one subscriber. <paramref name="retry"/> false: a delivery already waiting (a retry in its
    /// backoff) is kept, as it sends the newest content anyway. True: the delivery's own retry, replacing its trigger.
    /// </summary>
    public async Task QueueDeliveryAsync(long subscriptionId, int attempt, DateTimeOffset at, bool retry, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var name = "deliver-" + subscriptionId.ToString(CultureInfo.InvariantCulture);
        var job = new JobKey(name, Group);
        if (!retry)
        {
            await scheduler.AddJob(JobBuilder.Create<HubDeliverJob>().WithIdentity(job).UsingJobData(SubscriptionIdKey, subscriptionId).StoreDurably().RequestRecovery().Build(),
                AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        }

        var trigger = At(new TriggerKey(name, Group), job, at, new JobDataMap { [AttemptKey] = attempt });
        await scheduler.ScheduleTrigger(trigger, retry ? TriggerConflict.Replace : TriggerConflict.Keep, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets the deliveries of a subscription that ended.</summary>
    public async Task ForgetDeliveriesAsync(long subscriptionId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        await scheduler.DeleteJob(new JobKey("deliver-" + subscriptionId.ToString(CultureInfo.InvariantCulture), Group), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks a source's hub for a subscription at <paramref name="at"/> (now, or a lease renewal); an earlier request
    /// waiting for the same source wins. <paramref name="hub"/> and <paramref name="topic"/> are what the feed
    /// advertised, or null to renew the subscription the source has.
    /// </summary>
    public async Task QueueSubscribeAsync(long sourceId, string? hub, string? topic, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        var name = "push-" + sourceId.ToString(CultureInfo.InvariantCulture);
        var job = new JobKey(name, Group);
        await scheduler.AddJob(JobBuilder.Create<PushSubscribeJob>().WithIdentity(job).UsingJobData(SourceIdKey, sourceId).StoreDurably().RequestRecovery().Build(),
            AddJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
        var trigger = At(new TriggerKey(name, Group), job, at, new JobDataMap { [HubKey] = hub ?? string.Empty, [TopicKey] = topic ?? string.Empty });
        await scheduler.ScheduleTrigger(trigger, hub is null ? TriggerConflict.KeepEarlier : TriggerConflict.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The durable jobs fired by triggers that carry their data, and the minute's distribution and push upkeep.</summary>
    public static void AddJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<HubVerifyJob>(job => job.WithIdentity(VerifyJobKey).StoreDurably().RequestRecovery());
        quartz.AddJob<HubDistributeJob>(job => job.WithIdentity(DistributeJobKey).StoreDurably());
        quartz.AddJob<PushMaintenanceJob>(job => job.WithIdentity(MaintainJobKey).StoreDurably());
        quartz.AddTrigger(trigger => trigger.ForJob(DistributeJobKey).WithIdentity("distribute-every-minute", Group).StartNow()
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        quartz.AddTrigger(trigger => trigger.ForJob(MaintainJobKey).WithIdentity("maintain-push-every-minute", Group).StartNow()
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
    }

    private ITrigger At(TriggerKey key, JobKey job, DateTimeOffset at, JobDataMap data)
    {
        var now = timeProvider.GetUtcNow();
        return TriggerBuilder.Create(timeProvider)
            .WithIdentity(key)
            .ForJob(job)
            .UsingJobData(data)
            .StartAt(at > now ? at : now)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .WithMisfireThreshold(LateIsNotMissed)
            .Build();
    }
}

/// <summary>A subscription request the hub accepted for verification (or denial, when <see cref="Denied"/> says why).</summary>
public sealed record HubRequest(string Mode, string Topic, string Callback, int LeaseSeconds, string? Secret, string? Denied);
