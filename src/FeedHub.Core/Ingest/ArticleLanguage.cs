using FeedHub.Core.Model;
using FeedHub.Core.Readability;

namespace FeedHub.Core.Ingest;

/// <summary>
/// The language an article is written in, as a BCP 47 tag: what the feed declares (the item's own, else the feed's),
/// else what its page declares, else a guess from its text; and the direction its text runs in.
/// </summary>
public static class ArticleLanguage
{
    private const int MaxTagLength = 35;

    /// <summary>A declared language in canonical case (<c>en-us</c>, <c>en_US</c> → <c>en-US</c>), or null when it is not a language tag.</summary>
    public static string? Normalize(string? declared)
    {
        if (string.IsNullOrWhiteSpace(declared) || declared.Length > MaxTagLength)
        {
            return null;
        }

        var subtags = declared.Trim().Replace('_', '-').Split('-');
        if (subtags[0].Length is < 2 or > 3 || !subtags[0].All(char.IsAsciiLetter))
        {
            return null;
        }

        for (var i = 0; i < subtags.Length; i++)
        {
            var subtag = subtags[i];
            if (subtag.Length is 0 or > 8 || !subtag.All(char.IsAsciiLetterOrDigit))
            {
                return null;
            }

            subtags[i] = (i, subtag.Length) switch
            {
                (0, _) => subtag.ToLowerInvariant(),
                (_, 2) when subtag.All(char.IsAsciiLetter) => subtag.ToUpperInvariant(),
                (_, 4) when subtag.All(char.IsAsciiLetter) => char.ToUpperInvariant(subtag[0]) + subtag[1..].ToLowerInvariant(),
                _ => subtag.ToLowerInvariant(),
            };
        }

        return string.Join('-', subtags);
    }

    /// <summary>The language of a text guessed from its writing system and most common words; null when unsure.</summary>
    public static string? Detect(string? text) => string.IsNullOrWhiteSpace(text) ? null : LanguageDetector.Detect(text);

    /// <summary>True for languages written right to left (Arabic, Hebrew, Persian, Urdu…).</summary>
    public static bool IsRightToLeft(string? language) => LanguageDetector.IsRightToLeft(language);

    /// <summary>
    /// Guesses the language of an article that has none declared, once nothing better can come: not while its page
    /// is still to be extracted (the page may declare it).
    /// </summary>
    public static void DetectWhenUndeclared(Article article)
    {
        if (article.Language is null && article.Extraction != ExtractionState.Pending)
        {
            article.Language = Detect(article.ExtractedText ?? HtmlText.Of(article.Content ?? article.Summary, int.MaxValue) ?? article.Title);
        }
    }

    /// <summary><see cref="DetectWhenUndeclared(Article)"/> when the plain text of the article's content (else summary) is at hand.</summary>
    public static void DetectWhenUndeclared(Article article, string? contentText)
    {
        if (article.Language is null && article.Extraction != ExtractionState.Pending)
        {
            article.Language = Detect(article.ExtractedText ?? contentText ?? article.Title);
        }
    }
}
