using System.Buffers;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using FeedHub.Core.Sanitizer;

namespace FeedHub.Core.Ingest;

/// <summary>Plain text of HTML snippets such as titles, author names and excerpts: markup dropped, entities
/// decoded, blocks separated by a space so that words of neighbouring paragraphs never run together.</summary>
public static class HtmlText
{
    private static readonly HtmlParser Parser = new();

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "td", "th", "tr", "ul",
    };

    private static readonly HashSet<string> Invisible = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "template", "noscript" };

    /// <summary>Every character <see cref="char.IsWhiteSpace(char)"/> accepts: the runs that collapse into one space.</summary>
    private static readonly SearchValues<char> WhiteSpace =
        SearchValues.Create(Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace).ToArray());

    public static string? Of(string? html, int maxLength = 1000)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        if (html.AsSpan().IndexOfAny('<', '&') >= 0)
        {
            // References without markup (a title with "&#8217;" in it, as most blogs write them) are decoded as the
            // parser would, without a document built for them.
            return PlainText.TryDecode(html, out var plain) ? OfText(plain, maxLength) : Decode(html, maxLength);
        }

        return OfText(html, maxLength);
    }

    /// <summary>
    /// Text that is plain already (what <see cref="Of(string?, int)"/> gives, the text of a sanitised article) with its
    /// white space collapsed and shortened as <see cref="Of(string?, int)"/> does: its '&amp;' and '&lt;' are
    /// characters, not markup to read again.
    /// </summary>
    public static string? OfText(string? text, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length <= maxLength && IsCollapsed(text))
        {
            return text;
        }

        var collapsed = new CollapsedText(text.Length, maxLength);
        collapsed.Append(text);
        return collapsed.ToText();
    }

    /// <summary>True for the elements whose text is set apart from its neighbours' by a space.</summary>
    internal static bool IsBlock(string localName) => Blocks.Contains(localName);

    private static string? Decode(string html, int maxLength)
    {
        return HtmlFragments.Parse(Parser, "<body>", html, document =>
        {
            var text = new CollapsedText(html.Length, maxLength);
            if (document.Body is { } body)
            {
                Append(body, text);
            }

            return text.ToText();
        });
    }

    /// <summary>True when the text has no white space but single spaces between words.</summary>
    private static bool IsCollapsed(ReadOnlySpan<char> text)
    {
        for (var at = text.IndexOfAny(WhiteSpace); at >= 0; at = text.IndexOfAny(WhiteSpace))
        {
            if (at == 0 || at == text.Length - 1 || text[at] != ' ' || WhiteSpace.Contains(text[at + 1]))
            {
                return false;
            }

            text = text[(at + 1)..];
        }

        return true;
    }

    private static void Append(INode node, CollapsedText text)
    {
        foreach (var child in node.ChildNodes)
        {
            if (text.IsFull)
            {
                return;
            }

            if (child is IText textNode)
            {
                text.Append(textNode.Data);
            }
            else if (child is IElement element && !Invisible.Contains(element.LocalName))
            {
                var block = Blocks.Contains(element.LocalName);
                if (block)
                {
                    text.Separate();
                }

                Append(element, text);
                if (block)
                {
                    text.Separate();
                }
            }
        }
    }

    /// <summary>
    /// Text with its white space collapsed as it is written: each run between words becomes one space, none at the
    /// ends; what splitting on white space and joining with spaces gives, without a string per word. Past
    /// <c>maxLength</c> only one more character is kept, enough to know that the text is cut.
    /// </summary>
    internal sealed class CollapsedText(int capacity, int maxLength)
    {
        /// <summary>A builder grows in blocks of this many characters: a larger first one would be a large object.</summary>
        private const int MaxCapacity = 8000;

        private readonly long _limit = (long)maxLength + 1;
        private readonly StringBuilder _text = new((int)Math.Min(Math.Min(capacity, MaxCapacity), (long)maxLength + 1));
        private bool _space;

        public bool IsFull => _text.Length >= _limit;

        public void Separate() => _space = _text.Length > 0;

        public void Append(ReadOnlySpan<char> chars)
        {
            while (!chars.IsEmpty && !IsFull)
            {
                var gap = chars.IndexOfAny(WhiteSpace);
                var word = gap < 0 ? chars : chars[..gap];
                if (!word.IsEmpty)
                {
                    if (_space)
                    {
                        _text.Append(' ');
                        _space = false;
                    }

                    _text.Append(word[..(int)Math.Min(word.Length, Math.Max(0, _limit - _text.Length))]);
                }

                if (gap < 0)
                {
                    return;
                }

                Separate();
                chars = chars[(gap + 1)..];
            }
        }

        public string? ToText()
        {
            if (_text.Length > maxLength)
            {
                // Never between the two halves of a surrogate pair (an emoji, say): half a character cannot be stored.
                _text.Length = char.IsHighSurrogate(_text[maxLength - 2]) ? maxLength - 2 : maxLength - 1;
                while (_text.Length > 0 && _text[^1] == ' ')
                {
                    _text.Length--;
                }

                _text.Append('…');
            }

            return _text.Length == 0 ? null : _text.ToString();
        }
    }
}
