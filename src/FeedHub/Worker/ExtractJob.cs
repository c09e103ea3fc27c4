using System.Globalization;
using FeedHub.Core.Ingest;
using Quartz;

namespace FeedHub.Worker;

/// <summary>Fetches and extracts the pages of the articles a poll found partial. Idempotent: done articles are skipped.</summary>
[DisallowConcurrentExecution]
public sealed class ExtractJob(FullTextFetcher fullText) : IJob
{
    public const string ArticleIdsKey = "articleIds";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var ids = context.MergedJobDataMap.GetString(ArticleIdsKey) ?? string.Empty;
        var articleIds = ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToList();
        await fullText.CompleteAsync(articleIds, cancellationToken).ConfigureAwait(false);
    }

    public static string Encode(IEnumerable<long> articleIds) => string.Join(',', articleIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));
}
