namespace FeedHub.Core.Search;

/// <summary>
/// Which language's rules (stop words, stemming) index an article, chosen from its language tag. The names are
/// PostgreSQL's text search configurations; the embedded engine maps them to its own analyzers. Anything else is
/// indexed with <see cref="Simple"/> rules: words lower-cased, nothing stemmed, nothing dropped. Every language here has
/// rules in both engines (PostgreSQL 13, FeedHub's oldest, and Lucene 4.8); Hebrew, Persian, Japanese and the others
/// have none in one or both (Hindi and Armenian came in PostgreSQL 14). Each language written in Latin letters costs
/// every search a form of its own (its stemming of the query's words), so Catalan, Basque, Irish and Indonesian, which
/// both engines could stem, are left out until that is measured at scale; Arabic and Greek leave Latin words as the
/// simple rules do.
/// </summary>
public static class SearchLanguages
{
    public const string Simple = "simple";

    private static readonly Dictionary<string, string> ByTag = new(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "english",
        ["fr"] = "french",
        ["de"] = "german",
        ["es"] = "spanish",
        ["it"] = "italian",
        ["pt"] = "portuguese",
        ["nl"] = "dutch",
        ["sv"] = "swedish",
        ["da"] = "danish",
        ["no"] = "norwegian",
        ["nb"] = "norwegian",
        ["nn"] = "norwegian",
        ["fi"] = "finnish",
        ["ru"] = "russian",
        ["hu"] = "hungarian",
        ["ro"] = "romanian",
        ["tr"] = "turkish",
        ["ar"] = "arabic",
        ["el"] = "greek",
    };

    /// <summary>Every language with its own rules, then <see cref="Simple"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [.. ByTag.Values.Distinct(StringComparer.Ordinal), Simple];

    /// <summary>The rules for a language tag such as <c>en</c>, <c>fr-CA</c> or <c>de_DE</c>.</summary>
    public static string For(string? languageTag)
    {
        if (string.IsNullOrWhiteSpace(languageTag))
        {
            return Simple;
        }

        var tag = languageTag.AsSpan().Trim();
        var end = tag.IndexOfAny('-', '_');
        var primary = (end < 0 ? tag : tag[..end]).ToString();
        return ByTag.GetValueOrDefault(primary, Simple);
    }
}
