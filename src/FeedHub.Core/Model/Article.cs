namespace FeedHub.Core.Model;

/// <summary>One item of one source, as FeedHub keeps it.</summary>
public sealed class Article
{
    public long Id { get; set; }

    public long SourceId { get; set; }

    /// <summary>Identity within the source: the feed's id, else the normalised link, else a content hash.</summary>
    public required string Key { get; set; }

    public string? Title { get; set; }

    public string? Link { get; set; }

    /// <summary>The link normalised for recognising the same story across sources (a fragment that names a post kept).</summary>
    public string? CanonicalUrl { get; set; }

    /// <summary>
    /// Digests of the strong evidence that another source's article tells the same story (see
    /// <see cref="Ingest.StoryIdentity"/>); indexed by the stores.
    /// </summary>
    public List<string> StoryKeys { get; set; } = [];

    /// <summary>
    /// The first article of the story when another source's article told it first (this one is then a duplicate,
    /// shown once with it and credited); null when this article leads its story. Set by the store when it inserts
    /// the article, never by the caller.
    /// </summary>
    public long? DuplicateOf { get; set; }

    /// <summary>The id served feeds give this article: minted once when it is first stored, never changed (see <see cref="Ingest.EntryIds"/>).</summary>
    public string? EntryId { get; set; }

    public string? Author { get; set; }

    /// <summary>Sanitised HTML of the feed's summary.</summary>
    public string? Summary { get; set; }

    /// <summary>Sanitised HTML of the feed's full content.</summary>
    public string? Content { get; set; }

    public string? ImageUrl { get; set; }

    public List<string> Tags { get; set; } = [];

    /// <summary>The files the item carries (a podcast's episode, a video), as the feed last gave them.</summary>
    public List<Enclosure> Enclosures { get; set; } = [];

    /// <summary>The date the feed gives, clamped so it is never later than the first-seen time.</summary>
    public DateTimeOffset? Published { get; set; }

    public DateTimeOffset? Updated { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>When FeedHub last stored a change to this article.</summary>
    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>The river's order: the clamped published date, else the first-seen time.</summary>
    public DateTimeOffset SortDate { get; set; }

    /// <summary>A hash of what the feed said, to tell an edited post from an unchanged one.</summary>
    public required string ContentHash { get; set; }

    public ExtractionState Extraction { get; set; } = ExtractionState.NotNeeded;

    public string? ExtractionError { get; set; }

    /// <summary>Sanitised HTML of the article extracted from its page.</summary>
    public string? ExtractedHtml { get; set; }

    public string? ExtractedText { get; set; }

    /// <summary>The opening of the article as plain text, for lists.</summary>
    public string? Excerpt { get; set; }

    public int WordCount { get; set; }

    /// <summary>Minutes a reader needs at about 230 words a minute; at least one.</summary>
    public int ReadingMinutes => Math.Max(1, (int)Math.Round(WordCount / 230.0));

    public string? Language { get; set; }

    /// <summary>The best HTML to show: the extracted article when there is one, else the feed's content or summary.</summary>
    public string? BestHtml => ExtractedHtml ?? Content ?? Summary;
}

public enum ExtractionState
{
    NotNeeded,
    Pending,
    Ok,
    TooShort,
    Failed,
}
