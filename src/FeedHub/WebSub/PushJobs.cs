using Quartz;

namespace FeedHub.WebSub;

/// <summary>Asks a source's hub for a subscription or its renewal; one per source at a time.</summary>
[DisallowConcurrentExecution]
public sealed class PushSubscribeJob(PushSubscriber subscriber) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        await subscriber.SubscribeAsync(
            data.GetLong(WebSubScheduler.SourceIdKey),
            data.GetString(WebSubScheduler.HubKey) is { Length: > 0 } hub ? hub : null,
            data.GetString(WebSubScheduler.TopicKey) is { Length: > 0 } topic ? topic : null,
            cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The minute's upkeep of the push subscriptions (see <see cref="PushSubscriber.MaintainAsync"/>).</summary>
[DisallowConcurrentExecution]
public sealed class PushMaintenanceJob(PushSubscriber subscriber) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        => await subscriber.MaintainAsync(cancellationToken).ConfigureAwait(false);
}
