namespace FeedHub.Core.Parser;

/// <summary>What a feed says, in one shape for RSS, Atom and JSON Feed.</summary>
public sealed class FeedDocument
{
    public FeedFormat? Format { get; set; }

    public string? Title { get; set; }

    /// <summary>The site's home page.</summary>
    public string? Link { get; set; }

    public string? Subtitle { get; set; }

    public string? Language { get; set; }

    public string? ImageUrl { get; set; }

    /// <summary>How long the publisher asks readers to wait between polls (RSS <c>ttl</c>, <c>sy:updatePeriod</c>).</summary>
    public TimeSpan? PublisherInterval { get; set; }

    public List<FeedItem> Items { get; } = [];

    /// <summary>Null for a clean parse; otherwise what was wrong, even when everything could be recovered.</summary>
    public string? Error { get; set; }

    /// <summary>True when the input was recognised as a feed (possibly with recovered errors).</summary>
    public bool IsFeed => Format is not null;
}

public enum FeedFormat
{
    Rss,
    Atom,
    Json,
}

public sealed class FeedItem
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Link { get; set; }

    public DateTimeOffset? Published { get; set; }

    public DateTimeOffset? Updated { get; set; }

    public string? Author { get; set; }

    /// <summary>HTML (or text) of the summary as the feed gives it.</summary>
    public string? Summary { get; set; }

    /// <summary>HTML (or text) of the full content as the feed gives it.</summary>
    public string? Content { get; set; }

    public string? ImageUrl { get; set; }

    /// <summary>The item's own language when it declares one (<c>xml:lang</c> in scope, JSON Feed's item <c>language</c>).</summary>
    public string? Language { get; set; }

    public List<string> Categories { get; } = [];
}
