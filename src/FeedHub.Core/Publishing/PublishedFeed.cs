namespace FeedHub.Core.Publishing;

/// <summary>A feed FeedHub serves, independent of its format.</summary>
public sealed record PublishedFeed(
    string Title,
    string? Description,
    Uri SelfUrl,
    Uri HomeUrl,
    DateTimeOffset Updated,
    IReadOnlyList<PublishedEntry> Entries)
{
    /// <summary>The next (older) page, for RFC 5005 paging.</summary>
    public Uri? NextUrl { get; init; }

    /// <summary>The newest page, when this one is an older page.</summary>
    public Uri? FirstUrl { get; init; }
}

/// <summary>One entry of a served feed, credited to the source (or sources) it came from.</summary>
public sealed record PublishedEntry(
    string Id,
    string Title,
    Uri Url,
    DateTimeOffset Published,
    DateTimeOffset Updated,
    string? Author,
    string? ContentHtml,
    IReadOnlyList<EntrySource> Sources)
{
    public string? SummaryText { get; init; }

    public string? ImageUrl { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];
}

public sealed record EntrySource(string Name, Uri FeedUrl, Uri? SiteUrl);
