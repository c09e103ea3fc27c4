using FeedHub.Core.Curation;
using FeedHub.Core.Discovery;
using FeedHub.Core.Model;
using FeedHub.Core.Opml;
using FeedHub.Core.Parser;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Core.WebSub;

namespace FeedHub.Api;

/// <summary>
/// A source as the API shows it: settings and health. Its <c>feedUrl</c> is the address as shown, without the user name
/// and password a feed behind HTTP authentication was added with (they are kept, never shown again).
/// </summary>
public sealed record SourceDto(
    long Id,
    string Name,
    string FeedUrl,
    string? SiteUrl,
    string? Title,
    string? DisplayName,
    IReadOnlyList<string> Categories,
    SourceState State,
    ExtractionMode Extraction,
    string? ExtractionSelector,
    int? MinIntervalMinutes,
    int? MaxIntervalMinutes,
    DateTimeOffset CreatedAt,
    SourceHealth Health)
{
    public static SourceDto Of(Source source, SourceHealth health) => new(
        source.Id, source.Name, FeedAddress.Shown(source.FeedUrl), source.SiteUrl, source.Title, source.DisplayName, source.Categories, source.State,
        source.Extraction, source.ExtractionSelector, Minutes(source.MinInterval), Minutes(source.MaxInterval), source.CreatedAt, health);

    private static int? Minutes(TimeSpan? interval) => interval is { } value ? (int)value.TotalMinutes : null;

    /// <summary>Push (WebSub) beside polling, for a source whose feed names a hub; null otherwise.</summary>
    public PushHealth? Push { get; init; }
}

/// <summary>
/// A page of sources (worst health first unless sorted by name), the <c>after</c> of the next page (null on the last),
/// how many sources are in each health status (all of them, whatever the filters), and what the store's search index
/// is doing.
/// </summary>
public sealed record SourceListDto(IReadOnlyList<SourceDto> Sources, string? Next, IReadOnlyDictionary<HealthStatus, int> Counts, SearchIndexStatus SearchIndex);

/// <summary>A new subscription: a feed address, or a site or article address whose feed discovery finds.</summary>
public sealed record CreateSourceRequest(
    string? Url,
    IReadOnlyList<string>? Categories = null,
    string? DisplayName = null,
    ExtractionMode? Extraction = null,
    string? ExtractionSelector = null,
    int? MinIntervalMinutes = null,
    int? MaxIntervalMinutes = null)
{
    public SourceSettings ToSettings() => new()
    {
        Categories = Categories, DisplayName = DisplayName, Extraction = Extraction, ExtractionSelector = ExtractionSelector,
        MinInterval = Interval(MinIntervalMinutes), MaxInterval = Interval(MaxIntervalMinutes),
    };

    internal static TimeSpan? Interval(int? minutes) => minutes is { } value ? TimeSpan.FromMinutes(Math.Max(0, value)) : null;
}

/// <summary>
/// Changes to a source; absent members stay as they are, "" clears a text and 0 clears an interval. A new
/// <c>feedUrl</c> moves the source (checked like an add), keeping its id and articles.
/// </summary>
public sealed record UpdateSourceRequest(
    string? FeedUrl = null,
    IReadOnlyList<string>? Categories = null,
    string? DisplayName = null,
    ExtractionMode? Extraction = null,
    string? ExtractionSelector = null,
    int? MinIntervalMinutes = null,
    int? MaxIntervalMinutes = null,
    SourceState? State = null)
{
    public SourceSettings ToSettings() => new()
    {
        Categories = Categories, DisplayName = DisplayName, Extraction = Extraction, ExtractionSelector = ExtractionSelector,
        MinInterval = CreateSourceRequest.Interval(MinIntervalMinutes), MaxInterval = CreateSourceRequest.Interval(MaxIntervalMinutes), State = State,
    };
}

public sealed record DiscoverRequest(string? Url);

public sealed record DiscoverResponse(string Url, IReadOnlyList<FeedCandidateDto> Feeds, IReadOnlyList<DiscoveryAttemptDto> Tried);

/// <summary>A feed discovery found, with its preview and, when it is already subscribed, the source's id.</summary>
public sealed record FeedCandidateDto(
    string FeedUrl, string? Title, FeedFormat Format, string? SiteUrl, int ItemCount, string Via, long? SubscribedSourceId, IReadOnlyList<FeedPreviewItem> Items);

public sealed record DiscoveryAttemptDto(string Url, string Outcome)
{
    public static IReadOnlyList<DiscoveryAttemptDto> Of(DiscoveryResult result) => result.Tried.Select(t => new DiscoveryAttemptDto(t.Url.AbsoluteUri, t.Outcome)).ToList();
}

/// <summary>
/// What an import did: its batch (for <c>DELETE /api/opml/imports/{batchId}</c>; null when nothing was stored), the
/// sources added (or that would be, on a dry run), the invalid entries that need action, then the duplicates skipped.
/// </summary>
public sealed record OpmlImportDto(long? BatchId, int Added, int WouldAdd, IReadOnlyList<OpmlProblem> Invalid, int DuplicateCount, IReadOnlyList<OpmlProblem> Duplicates)
{
    public static OpmlImportDto Of(OpmlImportReport report)
        => new(report.BatchId, report.Added, report.WouldAdd, report.Invalid, report.Duplicates.Count, report.Duplicates);
}

/// <summary>One OPML import with how many of the sources it added are still subscribed.</summary>
public sealed record ImportBatchDto(long Id, string Origin, DateTimeOffset CreatedAt, int Added, int Remaining)
{
    public static ImportBatchDto Of(ImportBatch batch) => new(batch.Id, batch.Origin, batch.CreatedAt, batch.Added, batch.Remaining);
}

/// <summary>An import undone: how many of its sources were removed (with their articles).</summary>
public sealed record ImportUndoneDto(long BatchId, int Removed);

public sealed record ArticleSummaryDto(
    long Id, long SourceId, string? Title, string? Link, string? Author, DateTimeOffset? Published, DateTimeOffset FirstSeenAt, string? Excerpt)
{
    public static ArticleSummaryDto Of(Article article)
        => new(article.Id, article.SourceId, article.Title, article.Link, article.Author, article.Published, article.FirstSeenAt, article.Excerpt);
}

/// <summary>
/// A page of articles, newest first; <see cref="Next"/> is the <c>before</c> cursor of the next page. A search adds
/// each article's <see cref="Highlights"/> (HTML-safe excerpts with the matches in <c>&lt;mark&gt;</c>), by id.
/// </summary>
public sealed record ArticlePageDto(IReadOnlyList<ArticleSummaryDto> Articles, string? Next, IReadOnlyDictionary<long, SearchHighlight>? Highlights = null);

public sealed record ArticleDto(
    long Id, long SourceId, string? Title, string? Link, string? CanonicalUrl, string? Author, DateTimeOffset? Published, DateTimeOffset? Updated,
    DateTimeOffset FirstSeenAt, IReadOnlyList<string> Tags, string? Html, string? Text, ExtractionState Extraction, string? ExtractionError, int WordCount,
    IReadOnlyList<EnclosureDto> Enclosures)
{
    public static ArticleDto Of(Article article) => new(
        article.Id, article.SourceId, article.Title, article.Link, article.CanonicalUrl, article.Author, article.Published, article.Updated,
        article.FirstSeenAt, article.Tags, article.BestHtml, article.ExtractedText, article.Extraction, article.ExtractionError, article.WordCount,
        article.Enclosures.ConvertAll(EnclosureDto.Of));
}

/// <summary>A file an article carries (a podcast's episode): its address where its publisher hosts it, type, size in bytes, playing time.</summary>
public sealed record EnclosureDto(string Url, string? MediaType, long? Length, int? DurationSeconds)
{
    public static EnclosureDto Of(Enclosure enclosure) => new(enclosure.Url, enclosure.MediaType, enclosure.Length, enclosure.DurationSeconds);
}
