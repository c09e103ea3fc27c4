namespace FeedHub.Core.Model;

/// <summary>
/// A file an item carries: a podcast's episode, a video, a document (RSS <c>enclosure</c>, Atom
/// <c>link rel="enclosure"</c>, JSON Feed <c>attachments</c>, Media RSS audio and video). Images are not enclosures:
/// they are the item's image.
/// </summary>
public sealed class Enclosure
{
    /// <summary>The file's absolute http(s) address, where its publisher hosts it (pages and feeds link to it, never proxy it).</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The media type the feed gives, in lower case without parameters; null when it gives none that reads as one.</summary>
    public string? MediaType { get; set; }

    /// <summary>The size in bytes, when the feed gives a plausible one.</summary>
    public long? Length { get; set; }

    /// <summary>The playing time in seconds (<c>itunes:duration</c>, Media RSS <c>duration</c>, JSON Feed <c>duration_in_seconds</c>).</summary>
    public int? DurationSeconds { get; set; }
}

public enum EnclosureKind
{
    Other,
    Audio,
    Video,
    Image,
}

/// <summary>What an enclosure is, from its media type, else from its address's extension (feeds often leave the type out).</summary>
public static class Enclosures
{
    /// <summary>The enclosure's media type: the one the feed gives, else the one its extension stands for, else null.</summary>
    public static string? MediaTypeOf(Enclosure enclosure) => enclosure.MediaType ?? GuessMediaType(enclosure.Url);

    public static EnclosureKind KindOf(Enclosure enclosure) => KindOf(MediaTypeOf(enclosure));

    public static EnclosureKind KindOf(string? mediaType) => mediaType switch
    {
        null => EnclosureKind.Other,
        _ when mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) => EnclosureKind.Audio,
        _ when mediaType.StartsWith("video/", StringComparison.OrdinalIgnoreCase) => EnclosureKind.Video,
        _ when mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) => EnclosureKind.Image,
        _ => EnclosureKind.Other,
    };

    /// <summary>
    /// <paramref name="value"/> as a media type (<c>type/subtype</c>, lower case, parameters dropped), or null when it
    /// is not one: feeds write "mp3", "audio", or nothing.
    /// </summary>
    public static string? NormalizeMediaType(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var type = value.AsSpan();
        var parameters = type.IndexOf(';');
        type = (parameters >= 0 ? type[..parameters] : type).Trim();
        var slash = type.IndexOf('/');
        if (type.Length > MaxMediaTypeLength || slash <= 0 || slash == type.Length - 1 || type[(slash + 1)..].Contains('/'))
        {
            return null;
        }

        foreach (var c in type)
        {
            // RFC 6838's restricted names: letters, digits and !#$&-^_.+
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('/' or '!' or '#' or '$' or '&' or '-' or '^' or '_' or '.' or '+'))
            {
                return null;
            }
        }

        return type.ToString().ToLowerInvariant();
    }

    /// <summary>RFC 6838 caps each half of a media type at 127 characters.</summary>
    private const int MaxMediaTypeLength = 255;

    /// <summary>The media type the address's extension usually stands for (the common audio, video and document files), or null.</summary>
    public static string? GuessMediaType(string url)
    {
        var path = url.AsSpan();
        var end = path.IndexOfAny('?', '#');
        path = end >= 0 ? path[..end] : path;
        var dot = path.LastIndexOf('.');
        if (dot < 0 || dot < path.LastIndexOf('/') || path.Length - dot > 6)
        {
            return null;
        }

        return path[(dot + 1)..].ToString().ToLowerInvariant() switch
        {
            "mp3" => "audio/mpeg",
            "m4a" => "audio/mp4",
            "aac" => "audio/aac",
            "ogg" or "oga" => "audio/ogg",
            "opus" => "audio/opus",
            "flac" => "audio/flac",
            "wav" => "audio/wav",
            "mp4" or "m4v" => "video/mp4",
            "webm" => "video/webm",
            "mov" => "video/quicktime",
            "ogv" => "video/ogg",
            "pdf" => "application/pdf",
            "epub" => "application/epub+zip",
            "jpg" or "jpeg" => "image/jpeg",
            "png" => "image/png",
            "gif" => "image/gif",
            "webp" => "image/webp",
            _ => null,
        };
    }
}
