using System.Globalization;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using Quartz;

namespace FeedHub.WebSub;

/// <summary>
/// Finds the topics whose content changed since it was last delivered to each subscriber and queues those
/// deliveries. Asked for after every poll or push that changed articles, and run every minute for the other
/// changes (a source renamed or removed, a new digest day). One at a time across the cluster.
/// </summary>
[DisallowConcurrentExecution]
public sealed class HubDistributeJob(IFeedStore store, TopicRenderer renderer, WebSubHub hub, WebSubScheduler queue, TimeProvider timeProvider) : IJob
{
    /// <summary>How long an expired subscription is still listed for curators before it is forgotten.</summary>
    public static readonly TimeSpan ExpiredKeptFor = TimeSpan.FromDays(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await store.RemoveHubSubscriptionsExpiredBeforeAsync(now - ExpiredKeptFor, cancellationToken).ConfigureAwait(false);
        var subscriptions = await store.ListHubSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        await ForgetEndedDeliveriesAsync(context.Scheduler, subscriptions.Select(s => s.Id).ToHashSet(), cancellationToken).ConfigureAwait(false);
        foreach (var subscription in subscriptions.Where(s => !s.IsExpired(now)))
        {
            if (FeedTopic.Parse(subscription.Topic, hub.OriginOf(new Uri(subscription.Topic)), out _) is not { } topic)
            {
                continue; // no longer a topic of this FeedHub (its base URL changed): nothing to deliver
            }

            RenderedTopic rendered;
            try
            {
                rendered = await renderer.RenderAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (SearchIndexBuildingException)
            {
                continue; // a saved search while the index is rebuilt: its changes are delivered by a run after the rebuild
            }

            if (rendered.Hash != subscription.ContentHash)
            {
                await queue.QueueDeliveryAsync(subscription.Id, 1, now, retry: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Removes the delivery jobs of subscriptions that ended (unsubscribed, 410, forgotten after expiry).</summary>
    private static async Task ForgetEndedDeliveriesAsync(IScheduler scheduler, HashSet<long> live, CancellationToken cancellationToken)
    {
        foreach (var job in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(WebSubScheduler.Group), cancellationToken).ConfigureAwait(false))
        {
            if (job.Name.StartsWith("deliver-", StringComparison.Ordinal)
                && long.TryParse(job.Name.AsSpan("deliver-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && !live.Contains(id))
            {
                await scheduler.DeleteJob(job, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
