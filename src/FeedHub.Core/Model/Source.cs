namespace FeedHub.Core.Model;

/// <summary>One feed a curator subscribed to, with its settings and its fetch state.</summary>
public sealed class Source
{
    public long Id { get; set; }

    /// <summary>The feed URL that is polled (moves only after a consistent permanent redirect).</summary>
    public required string FeedUrl { get; set; }

    /// <summary>The blog's home page, from the feed's own link.</summary>
    public string? SiteUrl { get; set; }

    /// <summary>The title the feed gives itself.</summary>
    public string? Title { get; set; }

    /// <summary>A name chosen by the curator; wins over <see cref="Title"/>.</summary>
    public string? DisplayName { get; set; }

    public List<string> Categories { get; set; } = [];

    public SourceState State { get; set; } = SourceState.Active;

    public ExtractionMode Extraction { get; set; } = ExtractionMode.Auto;

    /// <summary>A CSS selector that overrides the extractor's heuristics for this site.</summary>
    public string? ExtractionSelector { get; set; }

    public TimeSpan? MinInterval { get; set; }

    public TimeSpan? MaxInterval { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The OPML import that added this source, so that the import can be undone; null when added otherwise.</summary>
    public long? ImportBatch { get; set; }

    public FetchState Fetch { get; set; } = new();

    /// <summary>
    /// The source this one duplicates: both were found at one feed address (subscribed twice before FeedHub kept one
    /// source per address, or this one's feed came to redirect to the other's address). Such a source is paused and
    /// its address is not its own for look-ups and adds (<see cref="Storage.SourceAddress"/>) until a curator
    /// removes one of the two or moves this one; null for nearly every source.
    /// </summary>
    public long? DuplicateOf { get; set; }

    public string Name => NameOf(DisplayName, Title, FeedUrl);

    /// <summary>A copy to change or keep apart from this one: its categories and fetch state are its own.</summary>
    public Source Copy()
    {
        var copy = (Source)MemberwiseClone();
        copy.Categories = [.. Categories];
        copy.Fetch = Fetch.Copy();
        return copy;
    }

    /// <summary>The name readers see: the curator's display name, else the feed's title, else the feed's host.</summary>
    public static string NameOf(string? displayName, string? title, string feedUrl)
        => !string.IsNullOrWhiteSpace(displayName) ? displayName
            : !string.IsNullOrWhiteSpace(title) ? title
            : Uri.TryCreate(feedUrl, UriKind.Absolute, out var uri) ? uri.Host : feedUrl;

    /// <summary>
    /// Whether the reading list, digest, merged feeds and blogroll would show the two alike: same name, links,
    /// categories and state. Fetch state and curator settings never reach readers.
    /// </summary>
    public bool LooksTheSameToReadersAs(Source other) =>
        FeedUrl == other.FeedUrl && SiteUrl == other.SiteUrl && Title == other.Title && DisplayName == other.DisplayName
        && State == other.State && Categories.SequenceEqual(other.Categories, StringComparer.Ordinal);
}

public enum SourceState
{
    Active,
    Paused,

    /// <summary>The server said the feed is gone for good (410); no longer polled.</summary>
    Retired,
}

public enum ExtractionMode
{
    /// <summary>Fetch the article page when the feed's content is missing or looks partial.</summary>
    Auto,
    Always,
    Never,
}
