using System.Text.RegularExpressions;
using FeedHub.Core.Model;

namespace FeedHub.Core.Ingest;

/// <summary>Whether an article's page must be fetched for its full text: always, never, or when the feed's content looks partial.</summary>
public static partial class ExtractionPolicy
{
    /// <summary>Below this many words the feed's content is taken for a summary.</summary>
    public const int PartialBelowWords = 150;

    /// <param name="contentText">The plain text of the article's content, else its summary (<see cref="HtmlText"/>'s).</param>
    public static bool NeedsPage(Source source, Article article, string? contentText) => article.Link is not null && source.Extraction switch
    {
        ExtractionMode.Always => true,
        ExtractionMode.Never => false,
        _ => LooksPartial(article, contentText),
    };

    /// <summary>No content, short content, or content that ends by sending the reader to the site.</summary>
    public static bool LooksPartial(Article article, string? text)
        => text is null || article.WordCount < PartialBelowWords || ReadMore().IsMatch(text);

    [GeneratedRegex(@"(…|\.\.\.|\[…\]|\[\.\.\.\]|read more|continue reading|keep reading|lire la suite|weiterlesen|mehr lesen|leer más|continua a leggere|続きを読む|阅读全文|阅读更多)\W*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ReadMore();
}
