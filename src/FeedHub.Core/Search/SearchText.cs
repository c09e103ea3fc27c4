using System.Net;
using System.Text;
using FeedHub.Core.Model;

namespace FeedHub.Core.Search;

/// <summary>
/// What of an article is searched: its title, author, the names of its source, and its clean text (the extracted
/// article when there is one, else the feed's content or summary as text). Both engines index this, and highlights
/// are cut from <see cref="Body"/>.
/// </summary>
public static class SearchText
{
    /// <summary>Text beyond this many characters is not searched (a budget per article, as every document has).</summary>
    public const int MaxBodyLength = 100_000;

    /// <summary>The names a source goes by: the curator's name for it and the feed's own title.</summary>
    public static string SourceNames(Source? source)
        => source is null ? string.Empty : string.Join(' ', new[] { source.DisplayName, source.Title }.Where(n => !string.IsNullOrWhiteSpace(n)));

    /// <summary>The article's clean text, at most <see cref="MaxBodyLength"/> characters.</summary>
    public static string Body(Article article)
    {
        if (!string.IsNullOrWhiteSpace(article.ExtractedText))
        {
            return article.ExtractedText.Length > MaxBodyLength ? article.ExtractedText[..MaxBodyLength] : article.ExtractedText;
        }

        return FromHtml(article.Content ?? article.Summary);
    }

    /// <summary>
    /// Text of sanitised HTML: tags dropped (each one separates words), entities decoded, white space collapsed.
    /// A single pass without building a DOM, since it runs on every article written.
    /// </summary>
    public static string FromHtml(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        // Grown block by block (8,000 characters at most each) rather than sized to the HTML: one block that large
        // would be a large object, collected only with generation 2.
        var text = new StringBuilder(Math.Min(html.Length, 8000));
        var i = 0;
        while (i < html.Length && text.Length < MaxBodyLength)
        {
            var tag = html.IndexOf('<', i);
            var end = tag < 0 ? html.Length : tag;
            AppendText(text, html.AsSpan(i, end - i));
            if (tag < 0)
            {
                break;
            }

            i = SkipTag(html, tag);
            if (text.Length > 0 && text[^1] != ' ')
            {
                text.Append(' ');
            }
        }

        if (text.Length > MaxBodyLength)
        {
            text.Length = MaxBodyLength;
        }

        // White space is only ever written as one space after a word: at most one to drop, at the end.
        if (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }

        return text.ToString();
    }

    /// <summary>The index just past the tag opening at <paramref name="start"/>; quoted attribute values may hold '&gt;'.</summary>
    private static int SkipTag(string html, int start)
    {
        var quote = '\0';
        for (var i = start + 1; i < html.Length; i++)
        {
            var c = html[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
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

        return html.Length;
    }

    private static void AppendText(StringBuilder text, ReadOnlySpan<char> raw)
    {
        var decoded = raw.IndexOf('&') < 0 ? raw : WebUtility.HtmlDecode(raw.ToString()).AsSpan();
        foreach (var c in decoded)
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] != ' ')
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(c);
            }
        }
    }
}
