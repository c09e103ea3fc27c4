using System.Buffers;
using System.Text;
using System.Xml;

namespace FeedHub.Core.Charsets;

/// <summary>
/// The characters XML 1.0 cannot carry: the C0 controls but tab and line breaks, U+FFFE, U+FFFF and unpaired
/// surrogates. Feed text must not hold them: every XML document showing it would be refused by strict readers, and
/// PostgreSQL refuses U+0000 in text outright (one in a JSON feed's item failed every poll of the feed).
/// </summary>
public static class XmlCharacters
{
    /// <summary>The characters that may not be XML's (surrogates are, in pairs).</summary>
    private static readonly SearchValues<char> Suspects = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\uFFFE\uFFFF" + string.Create(0xE000 - 0xD800, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)(0xD800 + i);
            }
        }));

    /// <summary><paramref name="text"/> without the characters XML cannot carry; the same string when it has none.</summary>
    public static string Clean(string text)
    {
        var at = 0;
        while (true)
        {
            var found = text.AsSpan(at).IndexOfAny(Suspects);
            if (found < 0)
            {
                return text;
            }

            at += found;
            if (!char.IsSurrogatePair(text, at))
            {
                break;
            }

            at += 2;
        }

        var clean = new StringBuilder(text.Length).Append(text, 0, at);
        for (var i = at; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogatePair(text, i))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }
}
