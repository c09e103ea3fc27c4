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

    /// <summary>Filters the page in place (it only ever gets shorter) and returns its new length.</summary>
    public static int Apply(Span<char> html)
    {
        if (html.Length < MinimumLength)
        {
            return html.Length;
        }

        // What is kept moves left to html[..written]: reading stays at or ahead of writing.
        var written = 0;
        var position = 0;
        while (position < html.Length)
        {
            var open = html[position..].IndexOf('<') is var found and >= 0 ? position + found : -1;
            if (open < 0 || open + 1 >= html.Length)
            {
                break;
            }

            var span = html[open..];
            if (span.StartsWith("<!--", StringComparison.Ordinal))
            {
                var end = span[4..].IndexOf("-->", StringComparison.Ordinal);
                var next = end < 0 ? html.Length : open + 4 + end + 3;
                Keep(html, ref written, position, next);
                position = next;
                continue;
            }

            var (name, closeTag) = span.StartsWith("<script", StringComparison.OrdinalIgnoreCase) ? ("script", "</script")
                : span.StartsWith("<style", StringComparison.OrdinalIgnoreCase) ? ("style", "</style")
                : (null, null);
            var tagEnd = name is null ? -1 : EndOfTag(html, open + 1 + name.Length);
            if (name is null || tagEnd < 0 || !IsNameBoundary(html[open + 1 + name.Length]))
            {
                Keep(html, ref written, position, open + 1);
                position = open + 1;
                continue;
            }

            var close = html[tagEnd..].IndexOf(closeTag, StringComparison.OrdinalIgnoreCase) is var at and >= 0 ? tagEnd + at : -1;
            var keep = close < 0 || html[open..tagEnd].Contains("ld+json", StringComparison.OrdinalIgnoreCase);
            var contentEnd = keep ? (close < 0 ? html.Length : close) : close;
            Keep(html, ref written, position, keep ? contentEnd : tagEnd);
            position = contentEnd;
        }

        Keep(html, ref written, position, html.Length);
        return written;
    }

    private static void Keep(Span<char> html, ref int written, int from, int to)
    {
        html[from..to].CopyTo(html[written..]);
        written += to - from;
    }

    private static bool IsNameBoundary(char c) => c is '>' or '/' || char.IsWhiteSpace(c);

    /// <summary>The index just past the '&gt;' closing a start tag, honouring quoted attribute values.</summary>
    private static int EndOfTag(ReadOnlySpan<char> html, int from)
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
