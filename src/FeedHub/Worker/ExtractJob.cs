using FeedHub.Core.Ingest;
using Quartz;

namespace FeedHub.Worker;

/// <summary>
/// Fetches and extracts the page of one article a poll found partial: queued work of its own, fired by the article's
/// trigger in its host's execution group. Idempotent: an article already done is skipped.
/// </summary>
public sealed class ExtractJob(FullTextFetcher fullText) : IJob
{
    public const string ArticleIdKey = "articleId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        => await fullText.CompleteAsync([context.MergedJobDataMap.GetLong(ArticleIdKey)], cancellationToken).ConfigureAwait(false);
}
