using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Parser;

/// <summary>
/// The media every format shares (as Miniflux's <c>reader/media</c>): an item's enclosures from RSS, Atom, JSON Feed and
/// Media RSS, each resolved against the item's base, kept unless it names a scheme other than http(s), once per address, at most
/// <see cref="MaxEnclosuresPerItem"/>, with a size and a playing time only when they are plausible. An image is the
/// item's image, not an enclosure.
/// </summary>
internal static class Media
{
    /// <summary>Enclosures kept per item: a podcast episode has one, a few formats of it at most.</summary>
    public const int MaxEnclosuresPerItem = 8;

    /// <summary>Longer addresses are dropped (a cut address names nothing); browsers and servers stop near here too.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>A larger size is a mistake (or a hostile feed), not a file.</summary>
    private const long MaxLength = 1L << 40;

    /// <summary>A month: live streams run for days, nothing runs for longer.</summary>
    private const int MaxDurationSeconds = 31 * 24 * 3600;

    /// <summary>
    /// Adds what an enclosure element says to <paramref name="item"/>: an image as its image (if it has none), anything
    /// else as an enclosure. The same address given twice (an RSS enclosure and its Media RSS content) is one
    /// enclosure, with what either says. Addresses that are not http(s), over-long, or past the cap are dropped and
    /// counted (the document's parse warning says so).
    /// </summary>
    public static void AddEnclosure(FeedItem item, string? href, Uri? baseUri, string? type, string? length, string? duration, string? medium = null)
    {
        var url = Links.Resolve(href, baseUri);
        if (url is null)
        {
            return;
        }

        var mediaType = Enclosures.NormalizeMediaType(type);
        var kind = medium?.Trim().ToLowerInvariant() switch
        {
            "audio" => EnclosureKind.Audio,
            "video" => EnclosureKind.Video,
            "image" => EnclosureKind.Image,
            _ => Enclosures.KindOf(mediaType ?? Enclosures.GuessMediaType(url)),
        };
        if (kind == EnclosureKind.Image)
        {
            item.ImageUrl ??= url;
            return;
        }

        // A relative address with no base to resolve it against (a document read without its location) is kept as
        // it is, as item links are: ingest resolves it against the article's address or drops it.
        if (url.Length > MaxUrlLength || WebLinks.HasOtherScheme(url))
        {
            item.EnclosuresDropped++;
            return;
        }

        var found = item.Enclosures.Find(e => e.Url == url);
        if (found is null && item.Enclosures.Count >= MaxEnclosuresPerItem)
        {
            item.EnclosuresDropped++;
            return;
        }

        if (found is null)
        {
            found = new Enclosure { Url = url };
            item.Enclosures.Add(found);
        }

        found.MediaType ??= mediaType;
        found.Length ??= Length(length);
        found.DurationSeconds ??= Duration(duration);
    }

    /// <summary>An item-wide playing time (<c>itunes:duration</c>): the first audio or video enclosure's, unless it gives its own.</summary>
    public static void AddDuration(FeedItem item, string? duration)
    {
        if (duration is not null && item.Enclosures.Find(e => Enclosures.KindOf(e) is EnclosureKind.Audio or EnclosureKind.Video) is { DurationSeconds: null } first)
        {
            first.DurationSeconds = Duration(duration);
        }
    }

    /// <summary>A size in bytes: a positive whole number (JSON's <c>123.0</c> too) up to a terabyte; anything else is unknown.</summary>
    public static long? Length(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes))
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !(number is >= 1 and <= MaxLength))
            {
                return null;
            }

            bytes = (long)number;
        }

        return bytes is > 0 and <= MaxLength ? bytes : null;
    }

    /// <summary>
    /// A playing time in seconds from <c>seconds</c>, <c>mm:ss</c> or <c>hh:mm:ss</c> (seconds may have a fraction, the
    /// first part may be over 59: "75:30"), as <c>itunes:duration</c> is written; anything else is unknown.
    /// </summary>
    public static int? Duration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var rest = text.AsSpan().Trim();
        double total = 0;
        for (var part = 0; ; part++)
        {
            var colon = rest.IndexOf(':');
            var field = colon >= 0 ? rest[..colon] : rest;
            var last = colon < 0;
            if (part > 2 || field.IsEmpty || !char.IsAsciiDigit(field[0])
                || !double.TryParse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                || (!last && field.Contains('.'))
                || (part > 0 && value >= 60))
            {
                return null;
            }

            total = (total * 60) + value;
            if (last)
            {
                break;
            }

            rest = rest[(colon + 1)..];
        }

        var seconds = (int)Math.Round(Math.Min(total, int.MaxValue));
        return seconds is > 0 and <= MaxDurationSeconds ? seconds : null;
    }
}
