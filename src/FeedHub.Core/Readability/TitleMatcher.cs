namespace FeedHub.Core.Readability;

/// <summary>Recognises the article's title when the page repeats it inside the body (heading, caption, teaser).</summary>
internal sealed class TitleMatcher
{
    private static readonly string[] SiteSeparators = [" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "];
    private readonly HashSet<string> _variants = new(StringComparer.Ordinal);

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
                    if (part.Length >= 15)
                    {
                        _variants.Add(part);
                    }
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

        if (_variants.Contains(normalizedText))
        {
            return true;
        }

        return isHeading && normalizedText.Length >= 15
            && _variants.Any(v => v.Contains(normalizedText, StringComparison.Ordinal) && normalizedText.Length * 4 >= v.Length * 3);
    }
}
