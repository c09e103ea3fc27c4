using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace FeedHub.Core.Images;

/// <summary>
/// Rewrites the image addresses of (sanitised) article HTML: <c>img</c> <c>src</c> and <c>srcset</c>, the
/// <c>srcset</c> of a <c>picture</c>'s sources and a video's <c>poster</c>. Everything else is left as it is.
/// </summary>
public static class ImageUrlRewriter
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    /// <param name="html">The HTML fragment.</param>
    /// <param name="rewrite">The new address of an image address (the same one to keep it).</param>
    public static string Rewrite(string html, Func<string, string> rewrite)
    {
        if (!html.Contains("<img", StringComparison.OrdinalIgnoreCase) && !html.Contains("<source", StringComparison.OrdinalIgnoreCase)
            && !html.Contains("poster", StringComparison.OrdinalIgnoreCase))
        {
            return html;
        }

        using var document = Parser.ParseDocument(string.Empty);
        var body = document.Body!;
        body.InnerHtml = html;
        foreach (var image in body.QuerySelectorAll("img"))
        {
            RewriteAttribute(image, "src", rewrite);
            RewriteSourceSet(image, rewrite);
        }

        foreach (var source in body.QuerySelectorAll("picture > source"))
        {
            RewriteSourceSet(source, rewrite);
        }

        foreach (var video in body.QuerySelectorAll("video[poster]"))
        {
            RewriteAttribute(video, "poster", rewrite);
        }

        return body.InnerHtml;
    }

    /// <summary>
    /// A <c>srcset</c> with each candidate's address rewritten and its descriptors kept: candidates are split as the
    /// HTML standard says (an address is a run without spaces; trailing commas end a candidate without descriptors).
    /// </summary>
    public static string RewriteSourceSet(string sourceSet, Func<string, string> rewrite)
    {
        var result = new StringBuilder(sourceSet.Length * 2);
        var i = 0;
        while (i < sourceSet.Length)
        {
            while (i < sourceSet.Length && (char.IsWhiteSpace(sourceSet[i]) || sourceSet[i] == ','))
            {
                i++;
            }

            if (i == sourceSet.Length)
            {
                break;
            }

            var start = i;
            while (i < sourceSet.Length && !char.IsWhiteSpace(sourceSet[i]))
            {
                i++;
            }

            var url = sourceSet[start..i];
            var descriptors = string.Empty;
            if (url.EndsWith(','))
            {
                url = url.TrimEnd(',');
            }
            else
            {
                var descriptorStart = i;
                var depth = 0;
                while (i < sourceSet.Length && (sourceSet[i] != ',' || depth > 0))
                {
                    depth += sourceSet[i] == '(' ? 1 : sourceSet[i] == ')' ? -1 : 0;
                    i++;
                }

                descriptors = sourceSet[descriptorStart..i].Trim();
            }

            if (result.Length > 0)
            {
                result.Append(", ");
            }

            result.Append(rewrite(url));
            if (descriptors.Length > 0)
            {
                result.Append(' ').Append(descriptors);
            }
        }

        return result.ToString();
    }

    private static void RewriteAttribute(IElement element, string name, Func<string, string> rewrite)
    {
        if (element.GetAttribute(name) is { Length: > 0 } value)
        {
            element.SetAttribute(name, rewrite(value));
        }
    }

    private static void RewriteSourceSet(IElement element, Func<string, string> rewrite)
    {
        if (element.GetAttribute("srcset") is { Length: > 0 } value)
        {
            element.SetAttribute("srcset", RewriteSourceSet(value, rewrite));
        }
    }
}
