using System.Buffers;
using System.Text;

namespace FeedHub.Core.Charsets;

/// <summary>Where the chosen encoding came from, strongest first.</summary>
public enum CharsetSource
{
    ByteOrderMark,
    HttpHeader,
    Declaration,
    Sniffed,
}

/// <summary>The encoding chosen for a document, why, and what looked wrong on the way.</summary>
/// <param name="Encoding">The encoding to decode with.</param>
/// <param name="Source">Which signal decided.</param>
/// <param name="PreambleLength">Bytes of byte order mark to skip before decoding.</param>
/// <param name="Problem">Null when the document was consistent; otherwise a short description for a curator.</param>
public sealed record CharsetDetection(Encoding Encoding, CharsetSource Source, int PreambleLength, string? Problem);

/// <summary>
/// Chooses the encoding of an XML or HTML document in the WHATWG and XML order: a byte order mark, then the HTTP
/// charset (unless it names UTF-16 or UTF-32 for bytes that are plainly 8-bit), then the document's own declaration
/// (XML declaration or HTML meta), then sniffing (UTF-8 when the bytes are valid UTF-8, otherwise the legacy encoding the text reads best in,
/// windows-1252 unless another is clearly better). Thread-safe.
/// </summary>
public static class CharsetDetector
{
    private const int DeclarationWindow = 1024;

    private const int PageDeclarationWindow = 64 * 1024;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Encoding LenientUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private static readonly Encoding Windows1252;

    private static readonly SearchValues<char> CharsetValueEnd = SearchValues.Create("\"'; />");

    // An explicit static constructor, so the code pages are registered before any method runs (not merely before
    // the first static field is read, which is all a field initialiser guarantees).
    static CharsetDetector()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Windows1252 = Encoding.GetEncoding(1252);
    }

    /// <summary>The encoding for a charset label (IANA names and the usual aliases), or null when unknown.</summary>
    public static Encoding? FromLabel(string? label)
    {
        var name = label?.Trim().Trim('"', '\'').ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        // Browsers read these labels as their supersets; documents that say latin-1 routinely contain windows-1252.
        name = name switch
        {
            "iso-8859-1" or "iso8859-1" or "latin1" or "latin-1" or "l1" or "us-ascii" or "ascii" or "iso_8859-1" or "x-user-defined" => "windows-1252",
            "utf8" or "unicode-1-1-utf-8" => "utf-8",
            "gb2312" or "gbk" or "x-gbk" or "csgb2312" or "chinese" => "gb18030",
            "x-sjis" or "sjis" or "shift-jis" or "ms_kanji" or "windows-31j" or "ms932" => "shift_jis",
            "ks_c_5601-1987" or "cseuckr" or "korean" => "euc-kr",
            "tis-620" or "iso-8859-11" => "windows-874",
            _ => name,
        };
        try
        {
            return name == "utf-8" ? StrictUtf8 : Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The charset parameter of a Content-Type header value, or null.</summary>
    public static string? CharsetFromContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        var at = contentType.IndexOf("charset", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var value = contentType.AsSpan(at + "charset".Length).TrimStart();
        if (value.IsEmpty || value[0] != '=')
        {
            return null;
        }

        value = value[1..].Trim().Trim('"').Trim('\'');
        var end = value.IndexOfAny(';', ' ', ',');
        return (end < 0 ? value : value[..end]).ToString();
    }

    /// <summary>Chooses the encoding of <paramref name="body"/>.</summary>
    public static CharsetDetection Detect(ReadOnlySpan<byte> body, string? contentType = null)
    {
        var bom = DetectByteOrderMark(body, out var bomLength);
        if (bom is not null)
        {
            var problem = bom is UTF8Encoding && !IsValidUtf8(body[bomLength..]) ? "bytes that are not UTF-8 after a UTF-8 byte order mark" : null;
            return new CharsetDetection(problem is null ? bom : LenientUtf8, CharsetSource.ByteOrderMark, bomLength, problem);
        }

        string? httpProblem = null;
        var httpLabel = CharsetFromContentType(contentType);
        if (FromLabel(httpLabel) is { } http)
        {
            if (http is not (UnicodeEncoding or UTF32Encoding) || HasZeroBytes(body))
            {
                return new CharsetDetection(http, CharsetSource.HttpHeader, 0, null);
            }

            // UTF-16 and UTF-32 put zero bytes beside every ASCII character of the markup: without any, the label is wrong.
            httpProblem = $"the server says charset={httpLabel} but the bytes are 8-bit";
        }

        var detection = DetectFromDocument(body);
        return httpProblem is null ? detection
            : detection with { Problem = detection.Problem is null ? httpProblem : $"{httpProblem}; {detection.Problem}" };
    }

    /// <summary>
    /// Chooses the encoding of a web page: the byte order mark and the HTTP charset as for any document, then, unlike a
    /// feed, valid non-ASCII UTF-8 before the page's own declaration (pages re-saved as UTF-8 often keep their old
    /// <c>&lt;meta charset&gt;</c>, while legacy encodings practically never form valid UTF-8), then a
    /// <c>&lt;meta&gt;</c> charset anywhere in the head's first 64 KB (CMS pages put it after kilobytes of other meta
    /// tags), then sniffing.
    /// </summary>
    public static CharsetDetection DetectPage(ReadOnlySpan<byte> body, string? contentType = null)
    {
        var first = Detect(body, contentType);
        if (first.Source is CharsetSource.ByteOrderMark or CharsetSource.HttpHeader || SniffUtf16(body) is not null)
        {
            return first;
        }

        if (!System.Text.Ascii.IsValid(body) && IsValidUtf8(body))
        {
            return new CharsetDetection(StrictUtf8, CharsetSource.Sniffed, 0, null);
        }

        var label = FindMetaCharset(body);
        return FromLabel(label) switch
        {
            null when label is null => Sniff(body, null, "not UTF-8 and no encoding declared"),
            null => Sniff(body, $"unknown encoding '{label}' declared", $"unknown encoding '{label}' declared"),
            // A page whose ASCII <meta> could be read is not UTF-16 or UTF-32, whatever it says.
            UnicodeEncoding or UTF32Encoding or UTF8Encoding => new CharsetDetection(LenientUtf8, CharsetSource.Declaration, 0,
                IsValidUtf8(body) ? null : $"declared {label} but the bytes are not UTF-8"),
            { } declared => new CharsetDetection(declared, CharsetSource.Declaration, 0, null),
        };
    }

    /// <summary>The charset of the first <c>&lt;meta&gt;</c> tag that names one, in the head's first 64 KB, read as ASCII.</summary>
    private static string? FindMetaCharset(ReadOnlySpan<byte> body)
    {
        var head = body[..Math.Min(body.Length, PageDeclarationWindow)];
        var headEnd = head.IndexOf("</head"u8);
        var text = Encoding.Latin1.GetString(headEnd >= 0 ? head[..headEnd] : head);
        for (var at = text.IndexOf("<meta", StringComparison.OrdinalIgnoreCase); at >= 0;
             at = text.IndexOf("<meta", at + 5, StringComparison.OrdinalIgnoreCase))
        {
            var end = text.IndexOf('>', at);
            var tag = text.AsSpan(at, (end < 0 ? text.Length : end) - at);
            var charset = tag.IndexOf("charset", StringComparison.OrdinalIgnoreCase);
            if (charset < 0)
            {
                continue;
            }

            var value = tag[(charset + "charset".Length)..].TrimStart();
            if (value.IsEmpty || value[0] != '=')
            {
                continue;
            }

            value = value[1..].TrimStart().TrimStart('"').TrimStart('\'').TrimStart();
            var stop = value.IndexOfAny(CharsetValueEnd);
            var label = (stop < 0 ? value : value[..stop]).ToString();
            if (label.Length > 0)
            {
                return label;
            }
        }

        return null;
    }

    /// <summary>The encoding the bytes themselves give: a UTF-16 pattern, the declaration, or sniffing.</summary>
    private static CharsetDetection DetectFromDocument(ReadOnlySpan<byte> body)
    {
        var utf16 = SniffUtf16(body);
        if (utf16 is not null)
        {
            return new CharsetDetection(utf16, CharsetSource.Sniffed, 0, null);
        }

        var label = FindDeclaredCharset(body);
        if (label is not null)
        {
            var declared = FromLabel(label);
            if (declared is null)
            {
                var problem = $"unknown encoding '{label}' declared";
                return Sniff(body, problem, problem);
            }

            if (declared is UnicodeEncoding or UTF32Encoding)
            {
                // A real UTF-16/32 document would have been caught by its BOM or its zero bytes above.
                var problem = $"declared {label} but the bytes are 8-bit";
                return Sniff(body, problem, problem);
            }

            if (declared is UTF8Encoding)
            {
                return IsValidUtf8(body)
                    ? new CharsetDetection(declared, CharsetSource.Declaration, 0, null)
                    : Sniff(body, null, "declared UTF-8 but the bytes are not UTF-8");
            }

            return new CharsetDetection(declared, CharsetSource.Declaration, 0, null);
        }

        return Sniff(body, null, "not UTF-8 and no encoding declared");
    }

    /// <summary>Decodes <paramref name="body"/> with the detected encoding; invalid bytes become U+FFFD.</summary>
    public static string Decode(ReadOnlySpan<byte> body, CharsetDetection detection)
        => DecodingEncoding(detection).GetString(body[detection.PreambleLength..]);

    /// <summary>The encoding a detection's bytes are decoded with: UTF-8 leniently, whatever the detection checked it with.</summary>
    internal static Encoding DecodingEncoding(CharsetDetection detection)
        => detection.Encoding is UTF8Encoding ? LenientUtf8 : detection.Encoding;

    private static CharsetDetection Sniff(ReadOnlySpan<byte> body, string? problemIfUtf8, string problemIfNotUtf8)
        => IsValidUtf8(body)
            ? new CharsetDetection(StrictUtf8, CharsetSource.Sniffed, 0, problemIfUtf8)
            : new CharsetDetection(CharsetSniffer.Guess(body, Windows1252), CharsetSource.Sniffed, 0, problemIfNotUtf8);

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private static bool HasZeroBytes(ReadOnlySpan<byte> body) => body[..Math.Min(body.Length, DeclarationWindow)].Contains((byte)0);

    private static Encoding? DetectByteOrderMark(ReadOnlySpan<byte> body, out int length)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            length = 3;
            return StrictUtf8;
        }

        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            length = 2;
            return Encoding.Unicode;
        }

        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            length = 2;
            return Encoding.BigEndianUnicode;
        }

        length = 0;
        return null;
    }

    private static Encoding? SniffUtf16(ReadOnlySpan<byte> body)
    {
        if (body.Length >= 4 && body[0] == '<' && body[1] == 0 && body[2] != 0 && body[3] == 0)
        {
            return Encoding.Unicode;
        }

        return body.Length >= 4 && body[0] == 0 && body[1] == '<' && body[2] == 0 && body[3] != 0 ? Encoding.BigEndianUnicode : null;
    }

    /// <summary>The encoding named by an XML declaration or an HTML meta tag near the start, read as ASCII.</summary>
    private static string? FindDeclaredCharset(ReadOnlySpan<byte> body)
    {
        var window = Encoding.Latin1.GetString(body[..Math.Min(body.Length, DeclarationWindow)]);
        var declaration = window.IndexOf("<?xml", StringComparison.Ordinal);
        if (declaration >= 0)
        {
            var end = window.IndexOf("?>", declaration, StringComparison.Ordinal);
            var text = end < 0 ? window[declaration..] : window[declaration..end];
            return AttributeValue(text, "encoding");
        }

        var meta = window.IndexOf("charset", StringComparison.OrdinalIgnoreCase);
        if (meta < 0 || window.LastIndexOf("<meta", meta, StringComparison.OrdinalIgnoreCase) < 0)
        {
            return null;
        }

        var value = window.AsSpan(meta + "charset".Length).TrimStart();
        if (value.IsEmpty || value[0] != '=')
        {
            return null;
        }

        value = value[1..].TrimStart().TrimStart('"').TrimStart('\'');
        var stop = value.IndexOfAny(CharsetValueEnd);
        return (stop < 0 ? value : value[..stop]).ToString();
    }

    private static string? AttributeValue(string text, string name)
    {
        var at = text.IndexOf(name, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = text.AsSpan(at + name.Length).TrimStart();
        if (rest.IsEmpty || rest[0] != '=')
        {
            return null;
        }

        rest = rest[1..].TrimStart();
        if (rest.IsEmpty || (rest[0] != '"' && rest[0] != '\''))
        {
            return null;
        }

        var quote = rest[0];
        rest = rest[1..];
        var close = rest.IndexOf(quote);
        return close < 0 ? null : rest[..close].ToString();
    }
}
