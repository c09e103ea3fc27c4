using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

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

    public static string? Of(string? html, int maxLength = 1000)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        return Collapse(html.AsSpan().IndexOfAny('<', '&') < 0 ? html : Decode(html), maxLength);
    }

    /// <summary>The plain text of a parsed element's content, unbounded, as <see cref="Of(string?, int)"/> gives it for its markup.</summary>
    public static string? Of(IElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return Collapse(text.ToString(), int.MaxValue);
    }

    private static string? Collapse(string text, int maxLength)
    {
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length > maxLength)
        {
            // Never between the two halves of a surrogate pair (an emoji, say): half a character cannot be stored.
            var cut = char.IsHighSurrogate(text[maxLength - 2]) ? maxLength - 2 : maxLength - 1;
            text = string.Concat(text.AsSpan(0, cut).TrimEnd(), "…");
        }

        return text.Length == 0 ? null : text;
    }

    private static string Decode(string html)
    {
        using var document = Parser.ParseDocument("<body>" + html);
        var text = new StringBuilder(html.Length);
        if (document.Body is { } body)
        {
            Append(body, text);
        }

        return text.ToString();
    }

    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText textNode)
            {
                text.Append(textNode.Data);
            }
            else if (child is IElement element && !Invisible.Contains(element.LocalName))
            {
                var block = Blocks.Contains(element.LocalName);
                if (block)
                {
                    text.Append(' ');
                }

                Append(element, text);
                if (block)
                {
                    text.Append(' ');
                }
            }
        }
    }
}
