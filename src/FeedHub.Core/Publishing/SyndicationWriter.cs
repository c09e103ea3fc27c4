using System.ServiceModel.Syndication;
using System.Text;
using System.Text.Json;
using System.Xml;
using FeedHub.Core.Charsets;
using FeedHub.Core.Model;

namespace FeedHub.Core.Publishing;

/// <summary>Writes served feeds as Atom 1.0 and RSS 2.0 (System.ServiceModel.Syndication) and JSON Feed 1.1.</summary>
public static class SyndicationWriter
{
    public const string AtomMediaType = "application/atom+xml; charset=utf-8";
    public const string RssMediaType = "application/rss+xml; charset=utf-8";
    public const string JsonFeedMediaType = "application/feed+json; charset=utf-8";

    private static readonly XmlWriterSettings XmlSettings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    private const string DublinCore = "http://purl.org/dc/elements/1.1/";

    /// <summary>The characters <see cref="JsonText"/> escapes at a time.</summary>
    internal const int JsonTextSegment = 8192;

    public static byte[] Atom(PublishedFeed feed) => WriteXml(new Atom10FeedFormatter(ToSyndicationFeed(feed, "application/atom+xml", rss: false)), feed.Stylesheet);

    public static byte[] Rss(PublishedFeed feed) => WriteXml(new Rss20FeedFormatter(ToSyndicationFeed(feed, "application/rss+xml", rss: true)), feed.Stylesheet);

    /// <summary>
    /// <paramref name="text"/> as the XML writers write it in an element (an entry's content), in UTF-8: a feed written
    /// with a placeholder for it reads the same with these bytes put in the placeholder's place. Escaped here rather
    /// than by an <see cref="XmlWriter"/>, which took 15-20 ms for a digest day (790,000 characters) and grew its
    /// stream through large arrays, against 2-3 ms: the characters XML cannot carry left out (as
    /// <see cref="XmlCharacterFilter"/> does), then <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> escaped and line breaks
    /// written as the writers' new line, exactly as they write text (a test compares both).
    /// </summary>
    public static byte[] XmlText(string text)
    {
        var clean = XmlCharacters.Clean(text).AsSpan();
        var newLine = (ReadOnlySpan<byte>)XmlNewLine;
        var bytes = new byte[Encoding.UTF8.GetByteCount(clean)
            + (3 * clean.Count('<')) + (3 * clean.Count('>')) + (4 * clean.Count('&'))
            + ((newLine.Length - 1) * (clean.Count('\r') + clean.Count('\n'))) - (newLine.Length * clean.Count("\r\n"))];
        var written = 0;
        // A character at a time: markup has one to escape every few characters, too often to search for each.
        for (var i = 0; i < clean.Length; i++)
        {
            var c = clean[i];
            var escaped = c switch
            {
                '<' => "&lt;"u8,
                '>' => "&gt;"u8,
                '&' => "&amp;"u8,
                '\r' or '\n' => newLine,
                _ => default,
            };
            if (!escaped.IsEmpty)
            {
                escaped.CopyTo(bytes.AsSpan(written));
                written += escaped.Length;
                // "\r\n" is one line break, as a lone "\r" or "\n" is.
                i += c == '\r' && i + 1 < clean.Length && clean[i + 1] == '\n' ? 1 : 0;
            }
            else if (c < 0x80)
            {
                bytes[written++] = (byte)c;
            }
            else
            {
                // The characters up to the next ASCII one, in UTF-8 (a surrogate pair is never cut).
                var run = clean[i..].IndexOfAnyInRange('\0', '\u007F') is var ascii and >= 0 ? clean.Slice(i, ascii) : clean[i..];
                written += Encoding.UTF8.GetBytes(run, bytes.AsSpan(written));
                i += run.Length - 1;
            }
        }

        return bytes;
    }

    /// <summary>The line break the XML writers write for each one in a text (their default settings', as <see cref="XmlSettings"/>'s).</summary>
    private static readonly byte[] XmlNewLine = Encoding.UTF8.GetBytes(XmlSettings.NewLineChars);

    /// <summary><paramref name="text"/> as <see cref="Json"/> writes it in a string, without the quotes (see <see cref="XmlText"/>).</summary>
    public static byte[] JsonText(string text)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            // In segments: escaping a string whole rents a buffer six times its length, which the shared pool then
            // keeps (a digest day's 1.4 million characters of HTML: a 16 MB array for the life of the process).
            var rest = text.AsSpan();
            do
            {
                var segment = rest[..Math.Min(rest.Length, JsonTextSegment)];
                rest = rest[segment.Length..];
                json.WriteStringValueSegment(segment, isFinalSegment: rest.IsEmpty);
            }
            while (!rest.IsEmpty);
        }

        return stream.GetBuffer().AsSpan(1, (int)stream.Length - 2).ToArray();
    }

    public static byte[] Json(PublishedFeed feed)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("version", "https://jsonfeed.org/version/1.1");
            json.WriteString("title", feed.Title);
            json.WriteString("home_page_url", feed.HomeUrl.AbsoluteUri);
            json.WriteString("feed_url", feed.SelfUrl.AbsoluteUri);
            if (feed.Description is not null)
            {
                json.WriteString("description", feed.Description);
            }

            if (feed.NextUrl is not null)
            {
                json.WriteString("next_url", feed.NextUrl.AbsoluteUri);
            }

            if (feed.HubUrl is not null)
            {
                json.WriteStartArray("hubs");
                json.WriteStartObject();
                json.WriteString("type", "WebSub");
                json.WriteString("url", feed.HubUrl.AbsoluteUri);
                json.WriteEndObject();
                json.WriteEndArray();
            }

            json.WriteStartArray("items");
            foreach (var entry in feed.Entries)
            {
                WriteJsonItem(json, entry);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteJsonItem(Utf8JsonWriter json, PublishedEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("id", entry.Id);
        json.WriteString("url", entry.Url.AbsoluteUri);
        json.WriteString("title", entry.Title);
        json.WriteString("content_html", entry.ContentHtml ?? string.Empty);
        if (entry.SummaryText is not null)
        {
            json.WriteString("summary", entry.SummaryText);
        }

        if (entry.ImageUrl is not null)
        {
            json.WriteString("image", entry.ImageUrl);
        }

        json.WriteString("date_published", entry.Published.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("date_modified", entry.Updated.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteStartArray("authors");
        if (entry.Author is not null)
        {
            json.WriteStartObject();
            json.WriteString("name", entry.Author);
            json.WriteEndObject();
        }

        foreach (var source in entry.Sources)
        {
            json.WriteStartObject();
            json.WriteString("name", source.Name);
            json.WriteString("url", (source.SiteUrl ?? source.FeedUrl).AbsoluteUri);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (entry.Enclosures.Count > 0)
        {
            json.WriteStartArray("attachments");
            foreach (var enclosure in entry.Enclosures)
            {
                json.WriteStartObject();
                json.WriteString("url", enclosure.Url);
                json.WriteString("mime_type", Enclosures.MediaTypeOf(enclosure) ?? UnknownMediaType);
                if (enclosure.Length is { } length)
                {
                    json.WriteNumber("size_in_bytes", length);
                }

                if (enclosure.DurationSeconds is { } duration)
                {
                    json.WriteNumber("duration_in_seconds", duration);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (entry.Tags.Count > 0)
        {
            json.WriteStartArray("tags");
            foreach (var tag in entry.Tags)
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("_feedhub_sources");
        foreach (var source in entry.Sources)
        {
            json.WriteStartObject();
            json.WriteString("title", source.Name);
            json.WriteString("feed_url", source.FeedUrl.AbsoluteUri);
            if (source.SiteUrl is not null)
            {
                json.WriteString("home_page_url", source.SiteUrl.AbsoluteUri);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <remarks>
    /// RSS has no author element for a name without an e-mail address (the formatter would write Atom's
    /// <c>a10:author</c>, which most readers ignore), so RSS items carry <c>dc:creator</c>, which they all read.
    /// Paging follows RFC 5005's paged feeds: <c>first</c> on every page, <c>next</c> towards older entries.
    /// RSS dates are written here (<see cref="RssDate"/>), not by the formatter, which ends UTC times with the military
    /// zone "Z".
    /// </remarks>
    private static SyndicationFeed ToSyndicationFeed(PublishedFeed feed, string mediaType, bool rss)
    {
        var syndication = new SyndicationFeed(feed.Title, feed.Description ?? feed.Title, feed.HomeUrl, feed.Id, rss ? default : feed.Updated)
        {
            Generator = "FeedHub",
        };
        if (rss)
        {
            syndication.AttributeExtensions.Add(new XmlQualifiedName("dc", "http://www.w3.org/2000/xmlns/"), DublinCore);
            syndication.ElementExtensions.Add("lastBuildDate", string.Empty, RssDate(feed.Updated));
        }
        else
        {
            syndication.Authors.Add(new SyndicationPerson { Name = feed.Title });
        }

        syndication.Links.Add(SyndicationLink.CreateSelfLink(feed.SelfUrl, mediaType));
        if (feed.FirstUrl is not null)
        {
            syndication.Links.Add(new SyndicationLink(feed.FirstUrl, "first", null, mediaType, 0));
        }

        if (feed.NextUrl is not null)
        {
            syndication.Links.Add(new SyndicationLink(feed.NextUrl, "next", null, mediaType, 0));
        }

        if (feed.HubUrl is not null)
        {
            syndication.Links.Add(new SyndicationLink(feed.HubUrl) { RelationshipType = "hub" });
        }

        syndication.Items = feed.Entries.Select(entry => ToSyndicationItem(entry, rss)).ToList();
        return syndication;
    }

    private static SyndicationItem ToSyndicationItem(PublishedEntry entry, bool rss)
    {
        var item = new SyndicationItem
        {
            Id = entry.Id,
            Title = new TextSyndicationContent(entry.Title),
            Content = SyndicationContent.CreateHtmlContent(entry.ContentHtml ?? string.Empty),
            PublishDate = rss ? default : entry.Published,
            LastUpdatedTime = entry.Updated,
        };
        if (rss)
        {
            item.ElementExtensions.Add("pubDate", string.Empty, RssDate(entry.Published));
        }

        item.Links.Add(SyndicationLink.CreateAlternateLink(entry.Url, "text/html"));
        AddEnclosures(item, entry.Enclosures, rss);
        if (entry.Author is not null && rss)
        {
            item.ElementExtensions.Add("creator", DublinCore, entry.Author);
        }
        else if (entry.Author is not null)
        {
            item.Authors.Add(new SyndicationPerson { Name = entry.Author });
        }

        foreach (var tag in entry.Tags)
        {
            item.Categories.Add(new SyndicationCategory(tag));
        }

        if (entry.Sources.Count > 0)
        {
            var origin = entry.Sources[0];
            var sourceFeed = new SyndicationFeed { Id = origin.FeedUrl.AbsoluteUri, Title = new TextSyndicationContent(origin.Name) };
            sourceFeed.Links.Add(SyndicationLink.CreateSelfLink(origin.FeedUrl));
            if (origin.SiteUrl is not null)
            {
                sourceFeed.Links.Add(SyndicationLink.CreateAlternateLink(origin.SiteUrl));
            }

            item.SourceFeed = sourceFeed;
        }

        return item;
    }

    /// <summary>
    /// Atom: a <c>link rel="enclosure"</c> per enclosure. RSS 2.0 allows one <c>enclosure</c> an item, which podcast
    /// apps play: the first audio or video one (else the first), with the type and length RSS requires (0 when the
    /// feed gave none, as the RSS Advisory Board advises); the formatter writes the others, in their order, as Atom
    /// <c>link rel="enclosure"</c> beside it, which readers that know Atom read and the others skip.
    /// </summary>
    private static void AddEnclosures(SyndicationItem item, IReadOnlyList<Enclosure> enclosures, bool rss)
    {
        var played = rss ? enclosures.FirstOrDefault(e => Enclosures.KindOf(e) is EnclosureKind.Audio or EnclosureKind.Video) : null;
        var ordered = played is null ? enclosures : enclosures.Where(e => e != played).Prepend(played);
        var first = true;
        foreach (var enclosure in ordered)
        {
            var type = Enclosures.MediaTypeOf(enclosure);
            var link = new SyndicationLink(new Uri(enclosure.Url), "enclosure", null, rss ? type ?? UnknownMediaType : type, enclosure.Length ?? 0);
            if (rss && first && enclosure.Length is null)
            {
                link.AttributeExtensions.Add(new XmlQualifiedName("length"), "0");
            }

            item.Links.Add(link);
            first = false;
        }
    }

    /// <summary>What a file of unknown type is called where a type is required (JSON Feed's <c>mime_type</c>, RSS's <c>type</c>).</summary>
    private const string UnknownMediaType = "application/octet-stream";

    /// <summary>
    /// An RFC 822 date in GMT, as RSS readers expect it. RFC 2822 reads a military zone such as "Z" as an unknown
    /// zone (RFC 1123 found their signs reversed), and parsers that want three letters or an offset refuse it.
    /// </summary>
    internal static string RssDate(DateTimeOffset value) => value.UtcDateTime.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] WriteXml(SyndicationFeedFormatter formatter, string? stylesheet)
    {
        using var stream = new MemoryStream();
        using (var writer = new XmlCharacterFilter(XmlWriter.Create(stream, XmlSettings)))
        {
            if (stylesheet is not null)
            {
                writer.WriteProcessingInstruction("xml-stylesheet", $"type=\"text/xsl\" href=\"{System.Security.SecurityElement.Escape(stylesheet)}\"");
            }

            formatter.WriteTo(writer);
        }

        return stream.ToArray();
    }
}
