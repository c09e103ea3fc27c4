using System.Text;

namespace FeedHub.Core.Readability;

/// <summary>
/// Empties the bodies of <c>&lt;script&gt;</c> and <c>&lt;style&gt;</c> elements (JSON-LD excepted) before a large page
/// is parsed. News pages carry megabytes of inline scripts and state; skipping them with a vectorised search keeps
/// a big page inside the time budget, where the HTML tokenizer would walk every character.
/// </summary>
internal static class LargePagePrefilter
{
    /// <summary>Smaller pages parse well within budget: they are left exactly as they are.</summary>
    public const int MinimumLength = 256 * 1024;

    public static string Apply(string html)
    {
        if (html.Length < MinimumLength)
        {
            return html;
        }

        var output = new StringBuilder(html.Length / 2);
        var position = 0;
        while (position < html.Length)
        {
            var open = html.IndexOf('<', position);
            if (open < 0 || open + 1 >= html.Length)
            {
                break;
            }

            var span = html.AsSpan(open);
            if (span.StartsWith("<!--", StringComparison.Ordinal))
            {
                var end = html.IndexOf("-->", open + 4, StringComparison.Ordinal);
                var next = end < 0 ? html.Length : end + 3;
                output.Append(html, position, next - position);
                position = next;
                continue;
            }

            var name = span.StartsWith("<script", StringComparison.OrdinalIgnoreCase) ? "script"
                : span.StartsWith("<style", StringComparison.OrdinalIgnoreCase) ? "style"
                : null;
            var tagEnd = name is null ? -1 : EndOfTag(html, open + 1 + name.Length);
            if (name is null || tagEnd < 0 || !IsNameBoundary(html[open + 1 + name.Length]))
            {
                output.Append(html, position, open + 1 - position);
                position = open + 1;
                continue;
            }

            var close = html.IndexOf("</" + name, tagEnd, StringComparison.OrdinalIgnoreCase);
            var keep = close < 0 || html.AsSpan(open, tagEnd - open).Contains("ld+json", StringComparison.OrdinalIgnoreCase);
            var contentEnd = keep ? (close < 0 ? html.Length : close) : close;
            output.Append(html, position, (keep ? contentEnd : tagEnd) - position);
            position = contentEnd;
        }

        output.Append(html, position, html.Length - position);
        return output.ToString();
    }

    private static bool IsNameBoundary(char c) => c is '>' or '/' || char.IsWhiteSpace(c);

    /// <summary>The index just past the '&gt;' closing a start tag, honouring quoted attribute values.</summary>
    private static int EndOfTag(string html, int from)
    {
        char? quote = null;
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return i + 1;
            }
        }

        return -1;
    }
}
