using System.Globalization;
using System.Text;

namespace FeedHub.Core.Sanitizer;

/// <summary>
/// The text of an HTML fragment that has no markup at all, such as most feed summaries ("Text of the post…
/// [&amp;#8230;]"), decoded as an HTML parser would and without one: a whole document for a sentence is most of what
/// sanitising it costs. Only what is decoded here exactly as the HTML standard says is accepted: no '&lt;', no
/// carriage return or NUL (which the parser rewrites), and character references that are numeric (outside the
/// ranges the standard remaps) or one of a few common names, each ended by ';'. Anything else is left to the parser.
/// </summary>
internal static class PlainText
{
    private static readonly Dictionary<string, char>.AlternateLookup<ReadOnlySpan<char>> Names = new Dictionary<string, char>(StringComparer.Ordinal)
    {
        ["amp"] = '&', ["lt"] = '<', ["gt"] = '>', ["quot"] = '"', ["apos"] = '\'', ["nbsp"] = '\u00A0',
        ["hellip"] = '…', ["mdash"] = '—', ["ndash"] = '–', ["lsquo"] = '‘', ["rsquo"] = '’', ["ldquo"] = '“', ["rdquo"] = '”',
    }.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <returns>False when the fragment has markup or anything this reader leaves to the parser.</returns>
    public static bool TryDecode(string html, out string text)
    {
        text = html;
        if (html.AsSpan().IndexOfAny('<', '\r', '\0') >= 0)
        {
            return false;
        }

        var reference = html.IndexOf('&', StringComparison.Ordinal);
        if (reference < 0)
        {
            return true;
        }

        var decoded = new StringBuilder(html.Length);
        var rest = html.AsSpan();
        while (reference >= 0)
        {
            decoded.Append(rest[..reference]);
            rest = rest[(reference + 1)..];
            var end = rest.IndexOf(';');
            if (end <= 0 || !TryResolve(rest[..end], out var character))
            {
                return false;
            }

            decoded.Append(character);
            rest = rest[(end + 1)..];
            reference = rest.IndexOf('&');
        }

        text = decoded.Append(rest).ToString();
        return true;
    }

    private static bool TryResolve(ReadOnlySpan<char> name, out string character)
    {
        character = string.Empty;
        if (name[0] != '#')
        {
            if (!Names.TryGetValue(name, out var named))
            {
                return false;
            }

            character = named.ToString();
            return true;
        }

        var hex = name.Length > 1 && name[1] is 'x' or 'X';
        var digits = name[(hex ? 2 : 1)..];
        if (digits.IsEmpty || digits.Length > 7
            || !int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            // Control characters, what the standard remaps (NUL, 0x80–0x9F as Windows-1252), surrogates, noncharacters.
            || code < 0x20 || code is >= 0x7F and <= 0x9F || code is >= 0xD800 and <= 0xDFFF || code > 0x10FFFF
            || code is >= 0xFDD0 and <= 0xFDEF || (code & 0xFFFE) == 0xFFFE)
        {
            return false;
        }

        character = char.ConvertFromUtf32(code);
        return true;
    }
}
