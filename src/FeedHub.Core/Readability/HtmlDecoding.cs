using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using FeedHub.Core.Charsets;

namespace FeedHub.Core.Readability;

/// <summary>
/// Decodes the bytes of an HTML page the way a browser chooses the encoding: byte order mark, then the HTTP
/// <c>charset</c>, then a <c>&lt;meta&gt;</c> declaration anywhere in the head (not only the first 1024 bytes),
/// else windows-1252. Non-ASCII bytes that form valid UTF-8 are taken as UTF-8 whatever the page declares:
/// legacy encodings practically never produce valid multi-byte sequences, while pages re-saved as UTF-8 often
/// keep their old <c>&lt;meta charset&gt;</c>.
/// </summary>
public static partial class HtmlDecoding
{
    /// <summary>How far into the page a late <c>&lt;meta charset&gt;</c> is still honoured.</summary>
    private const int MetaScanBytes = 64 * 1024;

    public static string Decode(ReadOnlySpan<byte> bytes, string? contentType)
    {
        var encoding = DetectEncoding(bytes, contentType, out var preambleLength);
        return encoding.GetString(bytes[preambleLength..]);
    }

    /// <summary>The encoding of the page; <paramref name="preambleLength"/> is the length of a byte order mark to skip.</summary>
    public static Encoding DetectEncoding(ReadOnlySpan<byte> bytes, string? contentType, out int preambleLength)
    {
        preambleLength = 0;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            preambleLength = 3;
            return new UTF8Encoding(false);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            preambleLength = 2;
            return Encoding.Unicode;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            preambleLength = 2;
            return Encoding.BigEndianUnicode;
        }

        if (Lenient(CharsetDetector.FromLabel(CharsetDetector.CharsetFromContentType(contentType))) is { } fromHttp)
        {
            return fromHttp;
        }

        if (!Ascii.IsValid(bytes) && Utf8.IsValid(bytes))
        {
            return new UTF8Encoding(false);
        }

        if (Lenient(CharsetDetector.FromLabel(MetaCharset(bytes))) is { } fromMeta)
        {
            // A page that reached us as bytes cannot really be UTF-16 when its ASCII <meta> was readable.
            return fromMeta is UnicodeEncoding ? new UTF8Encoding(false) : fromMeta;
        }

        return Ascii.IsValid(bytes) ? new UTF8Encoding(false) : Encoding.GetEncoding(1252);
    }

    /// <summary>Pages are decoded leniently: a stray invalid byte in a UTF-8 page must not lose the page.</summary>
    private static Encoding? Lenient(Encoding? encoding) => encoding is UTF8Encoding ? new UTF8Encoding(false) : encoding;

    private static string? MetaCharset(ReadOnlySpan<byte> bytes)
    {
        var head = bytes[..Math.Min(bytes.Length, MetaScanBytes)];
        var headEnd = head.IndexOf("</head"u8);
        if (headEnd >= 0)
        {
            head = head[..headEnd];
        }

        var text = Encoding.Latin1.GetString(head);
        foreach (Match meta in MetaTag().Matches(text))
        {
            var charset = CharsetParameter().Match(meta.Value);
            if (charset.Success)
            {
                return charset.Groups[1].Value;
            }
        }

        return null;
    }

    [GeneratedRegex("""<meta\b[^>]*>""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex MetaTag();

    [GeneratedRegex("""charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex CharsetParameter();
}
