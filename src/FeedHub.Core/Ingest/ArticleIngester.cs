using FeedHub.Core.Charsets;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Readability;
using FeedHub.Core.Sanitizer;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Ingest;

/// <summary>
/// Merges a parsed feed into the store: new items are added, edited items updated in place (keeping their id and
/// first-seen time), unchanged and re-ordered items leave the store as it was. Dates later than the first-seen time
/// are clamped so that a post dated in the future never sits on top of the river. A new article gets its entry id
/// here, and its story keys; the store then marks it a duplicate when another source told the story first.
/// </summary>
public sealed class ArticleIngester(IFeedStore store, HtmlContentSanitizer sanitizer, TimeProvider timeProvider, EntryIdAuthority entryIds)
{
    /// <param name="maxNewArticles">At most this many articles are added (the newest); the rest wait for later polls.</param>
    public async Task<IngestResult> IngestAsync(Source source, FeedDocument document, Uri documentUrl, int maxNewArticles, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(source, document, documentUrl, maxNewArticles, cancellationToken).ConfigureAwait(false);
        if (plan.HasWrites)
        {
            await store.SaveArticlesAsync(plan.Inserts, plan.Updates, cancellationToken).ConfigureAwait(false);
        }

        return plan.Result();
    }

    /// <summary>
    /// What merging the feed changes in the store, decided and not yet saved: a poll saves it with its own state
    /// (<see cref="IFeedStore.SavePollWithArticlesAsync"/>).
    /// </summary>
    /// <param name="maxNewArticles">At most this many articles are added (the newest); the rest wait for later polls.</param>
    public async Task<IngestPlan> PlanAsync(Source source, FeedDocument document, Uri documentUrl, int maxNewArticles, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var feedLanguage = ArticleLanguage.Normalize(document.Language);
        var incoming = new Dictionary<string, (FeedItem Item, string? Link)>(StringComparer.Ordinal);
        foreach (var item in document.Items)
        {
            var link = ResolveLink(item.Link, documentUrl);
            incoming.TryAdd(ArticleIdentity.KeyOf(item, link), (item, link));
        }

        if (incoming.Count == 0)
        {
            return new IngestPlan([], [], 0, 0);
        }

        // One look-up of what the store knows of these items (ids and hashes, not text); only edited items are then
        // read whole, and only new or edited ones are sanitised.
        var known = (await store.GetKnownArticlesAsync(source.Id, incoming.Keys, cancellationToken).ConfigureAwait(false))
            .ToDictionary(a => a.Key, a => a.ContentHash, StringComparer.Ordinal);
        var hashes = incoming.ToDictionary(pair => pair.Key, pair => ArticleIdentity.ContentHashOf(pair.Value.Item), StringComparer.Ordinal);
        var edited = hashes.Where(pair => known.TryGetValue(pair.Key, out var storedHash) && storedHash != pair.Value).Select(pair => pair.Key).ToList();
        var stored = edited.Count == 0
            ? []
            : (await store.GetArticlesByKeysAsync(source.Id, edited, cancellationToken).ConfigureAwait(false)).ToDictionary(a => a.Key, StringComparer.Ordinal);
        var inserts = new List<Article>();
        var updates = new List<Article>();
        string? authority = null;
        foreach (var (key, (item, link)) in incoming)
        {
            var hash = hashes[key];
            if (known.ContainsKey(key))
            {
                if (!stored.TryGetValue(key, out var existing) || existing.ContentHash == hash)
                {
                    continue;
                }

                var previousLink = existing.Link;
                var text = Fill(existing, item, link, hash, source, now, feedLanguage);
                if (existing.Link != previousLink || existing.Extraction is ExtractionState.NotNeeded or ExtractionState.Failed)
                {
                    MarkForExtraction(source, existing, text);
                }

                ArticleLanguage.DetectWhenUndeclared(existing, text);

                updates.Add(existing);
            }
            else
            {
                authority ??= await entryIds.GetAsync(cancellationToken).ConfigureAwait(false);
                var article = new Article
                {
                    Key = key, ContentHash = hash, SourceId = source.Id, FirstSeenAt = now, EntryId = EntryIds.Mint(authority, now, source.Id, key),
                };
                var text = Fill(article, item, link, hash, source, now, feedLanguage);
                MarkForExtraction(source, article, text);
                ArticleLanguage.DetectWhenUndeclared(article, text);
                inserts.Add(article);
            }
        }

        var deferred = KeepNewest(inserts, maxNewArticles);
        return new IngestPlan(inserts, updates, incoming.Count - inserts.Count - updates.Count - deferred, deferred);
    }

    /// <summary>Keeps the <paramref name="max"/> newest new articles; returns how many were left for later polls.</summary>
    private static int KeepNewest(List<Article> inserts, int max)
    {
        if (inserts.Count <= max)
        {
            return 0;
        }

        inserts.Sort(static (a, b) => b.SortDate.CompareTo(a.SortDate));
        var deferred = inserts.Count - max;
        inserts.RemoveRange(max, deferred);
        return deferred;
    }

    private static void MarkForExtraction(Source source, Article article, string? text)
    {
        if (ExtractionPolicy.NeedsPage(source, article, text))
        {
            article.Extraction = ExtractionState.Pending;
            article.ExtractionError = null;
        }
        else if (article.Extraction == ExtractionState.Pending)
        {
            article.Extraction = ExtractionState.NotNeeded;
        }
    }

    /// <returns>The plain text of the article's content (else its summary), for the checks that read it.</returns>
    private string? Fill(Article article, FeedItem item, string? link, string hash, Source source, DateTimeOffset now, string? feedLanguage)
    {
        var baseUrl = link ?? source.SiteUrl ?? FeedAddress.Shown(source.FeedUrl);
        article.ContentHash = hash;
        // Text the source encoded twice ("fÃ¼r") is repaired here, before sanitising turns its characters into entities.
        var summary = Mojibake.RepairOrNull(item.Summary);
        var content = Mojibake.RepairOrNull(item.Content);
        article.Title = HtmlText.Of(Mojibake.RepairOrNull(item.Title)) ?? HtmlText.Of(summary, 120);
        article.Link = link;
        article.CanonicalUrl = UrlNormalizer.ForStory(link);
        // Keys only accumulate: those found on the article's page (its canonical URL) stay when the feed entry changes; a
        // stored key from before keys were placed gives way to its placed form.
        article.StoryKeys = StoryIdentity.Union(article.StoryKeys, StoryIdentity.KeysOf(link, item.Id?.Trim(), canonicalUrl: null));
        article.Author = HtmlText.Of(Mojibake.RepairOrNull(item.Author), 200);
        var safeSummary = sanitizer.SanitizeWithText(summary, baseUrl);
        var safeContent = sanitizer.SanitizeWithText(content, baseUrl);
        article.Summary = NullIfEmpty(safeSummary.Html);
        article.Content = NullIfEmpty(safeContent.Html);
        var baseUri = Uri.TryCreate(baseUrl, UriKind.Absolute, out var b) ? b : null;
        article.ImageUrl = ResolveLink(item.ImageUrl, baseUri);
        article.Enclosures = [.. item.Enclosures
            .Select(e => ResolveLink(e.Url, baseUri) is { } url ? new Enclosure { Url = url, MediaType = e.MediaType, Length = e.Length, DurationSeconds = e.DurationSeconds } : null)
            .OfType<Enclosure>()
            .DistinctBy(e => e.Url, StringComparer.Ordinal)];
        article.Tags = item.Categories.Select(c => HtmlText.Of(Mojibake.Repair(c), 100)).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var text = article.Content is null ? safeSummary.Text : safeContent.Text;
        article.Excerpt = HtmlText.OfText(text, 280);
        article.WordCount = text is null ? 0 : TextMetrics.CountWords(text);
        article.Published = Clamp(item.Published ?? item.Updated, article.FirstSeenAt);
        article.Updated = Clamp(item.Updated, now);
        article.SortDate = article.Published ?? article.FirstSeenAt;
        article.ChangedAt = now;

        // What the feed declares wins; otherwise the language found earlier (from the page, or guessed) is kept.
        article.Language = ArticleLanguage.Normalize(item.Language) ?? feedLanguage ?? article.Language;
        return text;
    }

    private static DateTimeOffset? Clamp(DateTimeOffset? date, DateTimeOffset latest) => date > latest ? latest : date;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string? ResolveLink(string? link, Uri? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(link))
        {
            return null;
        }

        var candidate = baseUrl is null
            ? Uri.TryCreate(link.Trim(), UriKind.Absolute, out var absolute) ? absolute : null
            : Uri.TryCreate(baseUrl, link.Trim(), out var resolved) ? resolved : null;
        return candidate is { Scheme: "http" or "https" } ? candidate.AbsoluteUri : null;
    }
}
