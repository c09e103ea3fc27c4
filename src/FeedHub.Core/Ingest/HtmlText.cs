using AngleSharp.Html.Parser;

namespace FeedHub.Core.Ingest;

/// <summary>Plain text of short HTML snippets such as titles and author names (markup dropped, entities decoded).</summary>
public static class HtmlText
{
    private static readonly HtmlParser Parser = new();

    public static string? Of(string? html, int maxLength = 1000)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return null;
        }

        var text = html.AsSpan().IndexOfAny('<', '&') < 0 ? html : Decode(html);
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length > maxLength)
        {
            text = string.Concat(text.AsSpan(0, maxLength - 1), "…");
        }

        return text.Length == 0 ? null : text;
    }

    private static string Decode(string html)
    {
        using var document = Parser.ParseDocument("<body>" + html);
        return document.Body?.TextContent ?? string.Empty;
    }
}
