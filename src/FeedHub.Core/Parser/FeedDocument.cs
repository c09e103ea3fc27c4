using System.Globalization;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Parser;

/// <summary>What a feed says, in one shape for RSS, Atom and JSON Feed.</summary>
public sealed class FeedDocument
{
    private readonly FeedReaderOptions? limits;
    private int nextPosition;
    private int fieldsCut;
    private int linksDropped;
    private int enclosuresDropped;

    public FeedDocument()
    {
    }

    /// <summary>A document that keeps at most <see cref="FeedReaderOptions.MaxItems"/> items and cuts fields to their caps.</summary>
    internal FeedDocument(FeedReaderOptions limits) => this.limits = limits;

    public FeedFormat? Format { get; set; }

    public string? Title { get; set; }

    /// <summary>The site's home page.</summary>
    public string? Link { get; set; }

    public string? Subtitle { get; set; }

    public string? Language { get; set; }

    public string? ImageUrl { get; set; }

    /// <summary>The WebSub hubs the feed advertises (<c>rel="hub"</c> links, JSON Feed <c>hubs</c>), http(s) only, at most <see cref="MaxHubs"/>.</summary>
    public List<string> Hubs { get; } = [];

    /// <summary>The feed's own address as it states it (<c>rel="self"</c>, JSON Feed <c>feed_url</c>): the WebSub topic.</summary>
    public string? SelfUrl { get; set; }

    /// <summary>How many hubs are kept: a feed naming thousands gains nothing from them.</summary>
    public const int MaxHubs = 4;

    /// <summary>How long the publisher asks readers to wait between polls (RSS <c>ttl</c>, <c>sy:updatePeriod</c>).</summary>
    public TimeSpan? PublisherInterval { get; set; }

    /// <summary>The items, in document order; with a cap, the newest (see <see cref="FeedReaderOptions.MaxItems"/>).</summary>
    public List<FeedItem> Items { get; } = [];

    /// <summary>How many items the document holds, including those the item cap dropped.</summary>
    public int ItemsRead { get; private set; }

    /// <summary>Null for a clean parse; otherwise what was wrong, even when everything could be recovered.</summary>
    public string? Error { get; set; }

    /// <summary>True when the parser refused to read the document (it used up its time budget).</summary>
    public bool Refused { get; internal set; }

    /// <summary>True when the input was recognised as a feed (possibly with recovered errors).</summary>
    public bool IsFeed => Format is not null;

    /// <summary>Keeps a feed-level link that WebSub needs: the first <c>self</c> and the first few <c>hub</c>s, when they are http(s).</summary>
    internal void AddWebSubLink(string? rel, string? href)
    {
        if (href is null || !WebLinks.IsHttp(href))
        {
            return;
        }

        if (string.Equals(rel, "self", StringComparison.OrdinalIgnoreCase))
        {
            SelfUrl ??= href;
        }
        else if (string.Equals(rel, "hub", StringComparison.OrdinalIgnoreCase) && Hubs.Count < MaxHubs && !Hubs.Contains(href, StringComparer.Ordinal))
        {
            Hubs.Add(href);
        }
    }

    /// <summary>Adds an item as it is read, keeping memory bounded: beyond twice the cap, the oldest are dropped at once.</summary>
    internal void Add(FeedItem item)
    {
        item.Position = nextPosition++;
        ItemsRead++;
        enclosuresDropped += item.EnclosuresDropped;
        if (limits is not null)
        {
            item.Title = Cut(item.Title, limits.MaxTitleBytes);
            item.Author = Cut(item.Author, limits.MaxAuthorBytes);
            item.Summary = Cut(item.Summary, limits.MaxSummaryBytes);
            item.Content = Cut(item.Content, limits.MaxContentBytes);
        }

        Items.Add(item);
        if (limits is not null && Items.Count >= 2 * limits.MaxItems)
        {
            KeepNewest(limits.MaxItems);
        }
    }

    /// <summary>
    /// Applies the caps once the document is read: keeps the newest items, drops links that are not http(s), and
    /// says in <see cref="Error"/> what was dropped or cut.
    /// </summary>
    internal void Complete()
    {
        if (limits is null)
        {
            return;
        }

        if (Items.Count > limits.MaxItems)
        {
            KeepNewest(limits.MaxItems);
        }

        Link = WebLinkOrNull(Link);
        ImageUrl = WebLinkOrNull(ImageUrl);
        foreach (var item in Items)
        {
            item.Link = WebLinkOrNull(item.Link);
            item.ImageUrl = WebLinkOrNull(item.ImageUrl);
        }

        var notes = new List<string>();
        if (ItemsRead > Items.Count)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"kept the newest {Items.Count:N0} of {ItemsRead:N0} items (FeedHub:Parser:MaxItems)"));
        }

        if (fieldsCut > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"cut {fieldsCut:N0} over-long title, author, summary or content field{(fieldsCut > 1 ? "s" : string.Empty)} to its size cap (FeedHub:Parser:Max…Bytes)"));
        }

        if (linksDropped > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"dropped {linksDropped:N0} link{(linksDropped > 1 ? "s" : string.Empty)} that {(linksDropped > 1 ? "are" : "is")} not http(s) (javascript:, data: and the like)"));
        }

        if (enclosuresDropped > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"dropped {enclosuresDropped:N0} enclosure{(enclosuresDropped > 1 ? "s" : string.Empty)} past {Media.MaxEnclosuresPerItem} an item, not http(s) (javascript:, data: and the like) or with an address over {Media.MaxUrlLength:N0} characters"));
        }

        if (notes.Count > 0)
        {
            Error = string.Join("; ", Error is null ? notes : notes.Prepend(Error));
        }
    }

    /// <summary>
    /// Keeps the <paramref name="count"/> newest items in document order. Undated items count as newest (FeedHub
    /// dates them when it first sees them), then by date; between equals, the earlier in the document wins, as feeds
    /// list their newest first.
    /// </summary>
    private void KeepNewest(int count)
    {
        Items.Sort(NewestFirst);
        Items.RemoveRange(count, Items.Count - count);
        Items.Sort(static (a, b) => a.Position.CompareTo(b.Position));
    }

    private static int NewestFirst(FeedItem a, FeedItem b)
    {
        var (dateA, dateB) = (a.Published ?? a.Updated, b.Published ?? b.Updated);
        if (dateA is null != dateB is null)
        {
            return dateA is null ? -1 : 1;
        }

        var byDate = dateB.GetValueOrDefault().CompareTo(dateA.GetValueOrDefault());
        return byDate != 0 ? byDate : a.Position.CompareTo(b.Position);
    }

    private string? WebLinkOrNull(string? link)
    {
        if (link is not null && WebLinks.HasOtherScheme(link))
        {
            linksDropped++;
            return null;
        }

        return link;
    }

    /// <summary>The text cut to at most <paramref name="maxBytes"/> UTF-8 bytes, never inside a character.</summary>
    private string? Cut(string? text, int maxBytes)
    {
        // Every UTF-16 code unit takes at most 3 UTF-8 bytes: short texts need no counting.
        if (text is null || text.Length <= maxBytes / 3 || Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        fieldsCut++;
        var bytes = 0;
        var end = 0;
        while (end < text.Length)
        {
            var length = char.IsHighSurrogate(text[end]) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]) ? 2 : 1;
            var size = length == 2 ? 4 : text[end] < 0x80 ? 1 : text[end] < 0x800 ? 2 : 3;
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            end += length;
        }

        return text[..end];
    }
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

    /// <summary>Its files (a podcast's episode): http(s) or relative addresses, each once, at most <see cref="Media.MaxEnclosuresPerItem"/>.</summary>
    public List<Enclosure> Enclosures { get; } = [];

    /// <summary>Enclosures the item gave that were not kept (see <see cref="Media.AddEnclosure"/>).</summary>
    internal int EnclosuresDropped { get; set; }

    /// <summary>Where the item stood in its document (0 for the first).</summary>
    internal int Position { get; set; }
}
