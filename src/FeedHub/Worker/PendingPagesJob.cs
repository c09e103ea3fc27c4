using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Quartz;

namespace FeedHub.Worker;

/// <summary>
/// At each worker's start, then every <see cref="PollingOptions.PendingPagesCheck"/>: queues again the article pages the
/// store still waits for and the queue does not hold. On LiteDB the queue lives in memory, so a restart lost them; on
/// PostgreSQL a start finds the pages of a database migrated or restored from a backup. While running, it finds a page
/// whose job failed before it stored an outcome, or one queued again by a poll while its job was ending (Quartz deletes
/// a fired trigger after its job, without a lock against one stored with the same key in between). Read from the store
/// in pages of an index of pending articles only.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class PendingPagesJob(SourceScheduler queue, IFeedStore store, ILogger<PendingPagesJob> logger) : IJob
{
    public static readonly JobKey Key = new("pending-pages", "system");

    private const int PageSize = 1000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        // The queue is read before the store: a page fetched in between is no longer pending, and one queued in
        // between by a poll is only queued again (the same trigger, replaced).
        var queued = (await context.Scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(SourceScheduler.PageGroup), cancellationToken).ConfigureAwait(false))
            .ToHashSet();
        var requeued = 0;
        var after = 0L;
        while (true)
        {
            var pending = await store.ListPendingPagesAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            if (pending.Count == 0)
            {
                break;
            }

            after = pending[^1].ArticleId;
            var lost = new List<(long, Uri)>();
            foreach (var page in pending)
            {
                if (!queued.Contains(SourceScheduler.PageTriggerKeyOf(page.ArticleId)) && Uri.TryCreate(page.Link, UriKind.Absolute, out var address))
                {
                    lost.Add((page.ArticleId, address));
                }
            }

            await queue.QueuePagesAsync(lost, cancellationToken).ConfigureAwait(false);
            requeued += lost.Count;
        }

        if (requeued > 0)
        {
            LogRequeued(logger, requeued);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued again the pages of {Count} articles still waiting for their full text")]
    private static partial void LogRequeued(ILogger logger, int count);
}
