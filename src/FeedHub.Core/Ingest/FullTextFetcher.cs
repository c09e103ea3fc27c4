using FeedHub.Core.Fetcher;
using FeedHub.Core.Model;
using FeedHub.Core.Readability;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FeedHub.Core.Ingest;

/// <summary>
/// Fetches the pages of articles whose feed gives only a summary (same fetcher, guards and per-host politeness as
/// the feeds) and stores the extracted article beside the feed's own content, with the outcome for the curator.
/// </summary>
public sealed partial class FullTextFetcher(
    IFeedStore store,
    FeedFetcher fetcher,
    ArticleExtractor extractor,
    TimeProvider timeProvider,
    ILogger<FullTextFetcher> logger)
{
    /// <summary>Extracts the pending articles among <paramref name="articleIds"/>; returns how many came out whole.</summary>
    public async Task<int> CompleteAsync(IReadOnlyCollection<long> articleIds, CancellationToken cancellationToken)
    {
        var completed = 0;
        Source? source = null;
        foreach (var id in articleIds)
        {
            var article = await store.GetArticleAsync(id, cancellationToken).ConfigureAwait(false);
            if (article is not { Extraction: ExtractionState.Pending, Link: not null })
            {
                continue;
            }

            if (source?.Id != article.SourceId)
            {
                source = await store.GetSourceAsync(article.SourceId, cancellationToken).ConfigureAwait(false);
            }

            await ExtractAsync(article, source?.ExtractionSelector, cancellationToken).ConfigureAwait(false);
            await store.SaveArticlesAsync([], [article], cancellationToken).ConfigureAwait(false);
            completed += article.Extraction == ExtractionState.Ok ? 1 : 0;
        }

        return completed;
    }

    private async Task ExtractAsync(Article article, string? selector, CancellationToken cancellationToken)
    {
        var page = new Uri(article.Link!);
        var fetched = await fetcher.FetchAsync(new FetchRequest(page) { Accept = FetchRequest.PageAccept }, cancellationToken).ConfigureAwait(false);
        article.ChangedAt = timeProvider.GetUtcNow();
        if (fetched.Outcome != FetchOutcome.Ok)
        {
            article.Extraction = ExtractionState.Failed;
            article.ExtractionError = $"the article page could not be fetched: {fetched.Error}";
            ArticleLanguage.DetectWhenUndeclared(article);
            LogExtraction(logger, article.Id, page, article.Extraction, article.ExtractionError);
            return;
        }

        // The page's canonical URL (or where the link redirected to) is strong evidence of the story too.
        var canonical = PageCanonical.Find(fetched.Body, fetched.FinalUrl ?? page) ?? fetched.FinalUrl?.AbsoluteUri;
        article.StoryKeys = StoryIdentity.Union(article.StoryKeys, StoryIdentity.KeysOf(link: null, feedId: null, canonical));

        var extracted = extractor.Extract(fetched.Body, fetched.ContentType, fetched.FinalUrl ?? page, new ExtractionOptions { CssSelectorOverride = selector, KnownTitle = article.Title });
        article.Extraction = extracted.Outcome switch
        {
            ExtractionOutcome.Ok => ExtractionState.Ok,
            ExtractionOutcome.TooShort => ExtractionState.TooShort,
            _ => ExtractionState.Failed,
        };
        article.ExtractionError = extracted.FailureReason;
        article.Language ??= ArticleLanguage.Normalize(extracted.Language);
        if (extracted.Outcome == ExtractionOutcome.Ok && extracted.WordCount > article.WordCount)
        {
            article.ExtractedHtml = extracted.Html;
            article.ExtractedText = extracted.Text;
            article.WordCount = extracted.WordCount;
            article.Excerpt ??= HtmlText.OfText(extracted.Text, 280);
            article.ImageUrl ??= extracted.LeadImageUrl;
            article.Author ??= HtmlText.Of(extracted.Byline, 200);
        }

        ArticleLanguage.DetectWhenUndeclared(article);

        LogExtraction(logger, article.Id, page, article.Extraction, article.ExtractionError);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Extracted article {ArticleId} from {Page}: {Outcome} {Reason}")]
    private static partial void LogExtraction(ILogger logger, long articleId, Uri page, ExtractionState outcome, string? reason);
}
