using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.WebSub;
using Quartz;

namespace FeedHub.Worker;

/// <summary>
/// Polls one source, then queues the article pages it found partial and moves its own trigger to the source's next
/// poll time. The poll ends when the feed is stored: pages are fetched by their own jobs. One job per source, never
/// two polls at once for the same source (its <see cref="PollTurns"/> turn, held for the whole poll); idempotent, so a
/// recovered run after a crash only repeats the work.
/// </summary>
public sealed partial class PollJob(SourcePoller poller, SourceScheduler queue, PollTurns turns, IFeedStore store, PushSubscriber push, WebSubScheduler webSub, ILogger<PollJob> logger) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var sourceId = context.MergedJobDataMap.GetLong(SourceIdKey);
        await using var turn = await turns.TryTakeAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (turn is null)
        {
            // Another poll of the source is running: this firing's poll comes after it.
            LogTurnTaken(logger, sourceId);
            await queue.PollAgainAfterTurnAsync(sourceId, cancellationToken).ConfigureAwait(false);
            return;
        }

        var report = await poller.PollAsync(sourceId, cancellationToken).ConfigureAwait(false);
        if (report.Outcome == PollOutcome.Skipped || report.NextPollAt is null)
        {
            // Paused, removed or retired: out of the queue, unless a resume was stored since the poll read it.
            await queue.FollowStoreAsync(store, sourceId, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var pages = new List<(long, Uri)>();
        foreach (var articleId in report.PendingExtraction)
        {
            if (await store.GetArticleAsync(articleId, cancellationToken).ConfigureAwait(false) is { Link: { } link }
                && Uri.TryCreate(link, UriKind.Absolute, out var page))
            {
                pages.Add((articleId, page));
            }
        }

        await queue.QueuePagesAsync(pages, cancellationToken).ConfigureAwait(false);
        await queue.RescheduleAfterPollAsync(sourceId, report.NextPollAt.Value, context.ScheduledFireTimeUtc, context.NextFireTimeUtc, report.DueAt, cancellationToken).ConfigureAwait(false);

        // WebSub: the hub's subscribers get what changed; a feed that names a hub is subscribed through it.
        if (report.Added + report.Updated > 0)
        {
            await webSub.RequestDistributionAsync(cancellationToken).ConfigureAwait(false);
        }

        await push.AfterPollAsync(report, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {SourceId} was due while another poll of it was running; its poll is queued again for after that one")]
    private static partial void LogTurnTaken(ILogger logger, long sourceId);
}
