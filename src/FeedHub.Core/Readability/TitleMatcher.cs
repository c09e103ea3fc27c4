namespace FeedHub.Core.Readability;

/// <summary>Recognises the article's title when the page repeats it inside the body (heading, caption, teaser).</summary>
internal sealed class TitleMatcher
{
    private static readonly string[] SiteSeparators = [" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "];

    /// <summary>Below this length a part of a page title is matched by headings only, and only whole.</summary>
    private const int ShortPart = 15;

    private readonly HashSet<string> _variants = new(StringComparer.Ordinal);

    /// <summary>
    /// The short parts of titles ("Hello world" of "Hello world – My blog"): a heading that is one of them is the article's
    /// title (or the site's name), but a paragraph saying the same few words is the article's own.
    /// </summary>
    private readonly HashSet<string> _shortHeadings = new(StringComparer.Ordinal);

    /// <param name="titles">The page's titles (metadata, the document's title element) and the one the feed gave, if any.</param>
    public TitleMatcher(params string?[] titles)
    {
        foreach (var title in titles)
        {
            if (string.IsNullOrWhiteSpace(title))
            {
                continue;
            }

            var normalized = TextMetrics.Normalize(title);
            _variants.Add(normalized);
            foreach (var separator in SiteSeparators)
            {
                foreach (var part in normalized.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    (part.Length >= ShortPart ? _variants : _shortHeadings).Add(part);
                }
            }
        }
    }

    /// <summary>True when the normalised text is the title; a heading also matches a title it makes most of.</summary>
    public bool Matches(string normalizedText, bool isHeading)
    {
        if (normalizedText.Length == 0)
        {
            return false;
        }

        if (_variants.Contains(normalizedText) || isHeading && _shortHeadings.Contains(normalizedText))
        {
            return true;
        }

        return isHeading && normalizedText.Length >= ShortPart
            && _variants.Any(v => v.Contains(normalizedText, StringComparison.Ordinal) && normalizedText.Length * 4 >= v.Length * 3);
    }
}
