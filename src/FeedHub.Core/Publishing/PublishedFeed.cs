using FeedHub.Core.Model;

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
    /// <summary>The feed's own id (Atom <c>id</c>): the same on every page of a paged feed.</summary>
    public string Id { get; init; } = SelfUrl.AbsoluteUri;

    /// <summary>The next (older) page, for RFC 5005 paged feeds.</summary>
    public Uri? NextUrl { get; init; }

    /// <summary>The newest page of a paged feed (RFC 5005 <c>first</c>); null for a feed that is not paged.</summary>
    public Uri? FirstUrl { get; init; }

    /// <summary>The WebSub hub that pushes this feed's changes (<c>rel="hub"</c>, JSON Feed <c>hubs</c>); null when it has none.</summary>
    public Uri? HubUrl { get; init; }

    /// <summary>
    /// The XSLT stylesheet that a browser opening the feed applies to show it as a page (an
    /// <c>xml-stylesheet</c> processing instruction in Atom and RSS; feed readers ignore it). None when null.
    /// </summary>
    public string? Stylesheet { get; init; }
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

    /// <summary>The files the entry carries (a podcast's episode), linked where their publisher hosts them.</summary>
    public IReadOnlyList<Enclosure> Enclosures { get; init; } = [];
}

public sealed record EntrySource(string Name, Uri FeedUrl, Uri? SiteUrl);
