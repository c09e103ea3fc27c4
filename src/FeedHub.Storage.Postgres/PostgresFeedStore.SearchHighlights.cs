using System.Globalization;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Search;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Highlights with <c>ts_headline</c>, which stems the text with the configuration of the article's language as the
/// search did. It parses and stems every word it is given, and that is nearly all its cost (about a millisecond per
/// 1,500 characters), so it is given stretches of each text rather than the whole: around the first words that may be
/// forms of a searched word (they begin with the same letters, accents and case aside), one stretch per excerpt. A text
/// whose stretches hold no match (a form that begins otherwise, "dying" for "die"), or that has no such word, is given
/// whole, so no match is missed for being looked for only where it might be.
/// </summary>
public sealed partial class PostgresFeedStore
{
    // Markers for ts_headline that cannot occur in the text (they are removed from it first).
    private const char MatchStart = '\uE000';
    private const char MatchEnd = '\uE001';
    private const char FragmentBreak = '\uE002';

    // ts_headline leaves out what its parser takes for a tag, so an article's text that shows markup ("<b>") would lose
    // it from its passage: '<' goes to the server as this marker and comes back as itself.
    private const char LessThan = '\uE003';

    private const int MaxWords = 30;

    private static readonly string WholeTextOptions = HeadlineOptions(SearchHighlighter.MaxFragments);
    private static readonly string StretchOptions = HeadlineOptions(1);

    /// <summary>
    /// Words given before and after a possible match: enough for any excerpt of <see cref="MaxWords"/> that holds it
    /// (ts_headline centres the match where it can).
    /// </summary>
    private const int WordsBefore = 15;
    private const int WordsAfter = 20;

    /// <summary>Letters of a searched word that its forms are taken to begin with (after folding case and accents).</summary>
    private const int StemPrefix = 3;

    private static string HeadlineOptions(int fragments)
        => string.Create(CultureInfo.InvariantCulture,
            $"MaxFragments={fragments}, MaxWords={MaxWords}, MinWords=12, StartSel=\"{MatchStart}\", StopSel=\"{MatchEnd}\", FragmentDelimiter=\"{FragmentBreak}\"");

    public async Task<IReadOnlyDictionary<long, SearchHighlight>> HighlightAsync(SearchQuery query, IReadOnlyList<Article> articles, CancellationToken cancellationToken)
    {
        var bodies = articles.Select(a => SearchText.Body(a).Replace(MatchStart, ' ').Replace(MatchEnd, ' ').Replace(FragmentBreak, ' ').Replace(LessThan, ' ')).ToArray();
        var prefixes = SearchedPrefixes(query);
        var stretchArticles = new List<int>();
        var stretchTexts = new List<string>();
        for (var i = 0; i < bodies.Length; i++)
        {
            foreach (var (start, length) in Stretches(bodies[i], prefixes))
            {
                stretchArticles.Add(i + 1);
                stretchTexts.Add(bodies[i].Substring(start, length).Replace('<', LessThan));
            }
        }

        // The stretches' headlines that hold a match; then, in the same statement, the whole text of each article
        // that has none (no stretch, or none with a match).
        await using var command = _dataSource.CreateCommand(
            $"""
            WITH article AS (
                SELECT a.n, feedhub_search_config(a.language) AS config, a.body
                FROM unnest(@languages, @bodies) WITH ORDINALITY AS a(language, body, n)
                WHERE a.body <> ''),
            stretch AS (
                SELECT s.n, s.article, ts_headline(article.config, s.text, websearch_to_tsquery(article.config, @search), @stretch_options) AS headline
                FROM unnest(@stretch_articles, @stretch_texts) WITH ORDINALITY AS s(article, text, n)
                JOIN article ON article.n = s.article),
            matched AS (SELECT article, n, headline FROM stretch WHERE strpos(headline, chr({(int)MatchStart})) > 0)
            SELECT article, n, headline FROM matched
            UNION ALL
            SELECT article.n, 0, ts_headline(article.config, article.body, websearch_to_tsquery(article.config, @search), @whole_options)
            FROM article
            WHERE NOT EXISTS (SELECT 1 FROM matched WHERE matched.article = article.n)
            ORDER BY 1, 2
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("search", query.ToString()));
        command.Parameters.Add(new NpgsqlParameter<string>("stretch_options", StretchOptions));
        command.Parameters.Add(new NpgsqlParameter<string>("whole_options", WholeTextOptions));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("languages", articles.Select(a => a.Language).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("bodies", bodies.Select(body => body.Replace('<', LessThan)).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("stretch_articles", stretchArticles.Select(i => (long)i).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("stretch_texts", [.. stretchTexts]));

        var found = articles.Select(_ => new Passages()).ToArray();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var i = (int)reader.GetInt64(0) - 1;
                found[i].Read(reader.GetString(2), bodies[i]);
            }
        }

        var highlights = new Dictionary<long, SearchHighlight>(articles.Count);
        for (var i = 0; i < articles.Count; i++)
        {
            highlights[articles[i].Id] = bodies[i].Length == 0
                ? SearchHighlight.None
                : new SearchHighlight(found[i].Fragments, found[i].Words.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
        }

        return highlights;
    }

    /// <summary>
    /// The beginnings, folded (<see cref="Fold"/>), of the words the query wants: each run of letters or digits of each
    /// word, as the text's words are cut. Excluded words are not highlighted, so not looked for.
    /// </summary>
    internal static HashSet<string> SearchedPrefixes(SearchQuery query)
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in query.Wanted.SelectMany(term => term.Words))
        {
            foreach (var (start, length) in Words(word))
            {
                var folded = Fold(word.AsSpan(start, length));
                prefixes.Add(folded[..Math.Min(StemPrefix, folded.Length)]);
            }
        }

        return prefixes;
    }

    /// <summary>
    /// Up to <see cref="SearchHighlighter.MaxFragments"/> stretches of <paramref name="text"/>, each around the first
    /// word not already in one that begins with one of <paramref name="prefixes"/>; none when no word does.
    /// </summary>
    internal static List<(int Start, int Length)> Stretches(string text, HashSet<string> prefixes)
    {
        var words = Words(text).ToList();
        var stretches = new List<(int Start, int Length)>(SearchHighlighter.MaxFragments);
        var covered = -1;
        for (var w = 0; w < words.Count && stretches.Count < SearchHighlighter.MaxFragments; w++)
        {
            if (w <= covered || !MayBeForm(text.AsSpan(words[w].Start, words[w].Length), prefixes))
            {
                continue;
            }

            var first = words[Math.Max(0, w - WordsBefore)];
            covered = Math.Min(words.Count - 1, w + WordsAfter);
            var last = words[covered];
            stretches.Add((first.Start, last.Start + last.Length - first.Start));
        }

        return stretches;
    }

    private static bool MayBeForm(ReadOnlySpan<char> word, HashSet<string> prefixes)
    {
        var folded = Fold(word[..Math.Min(word.Length, 2 * StemPrefix)]);
        for (var length = Math.Min(StemPrefix, folded.Length); length > 0; length--)
        {
            if (prefixes.Contains(folded[..length]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The runs of letters and digits (with the marks that go with them) of a text.</summary>
    private static IEnumerable<(int Start, int Length)> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || (start >= 0 && CharUnicodeInfo.GetUnicodeCategory(text[i]) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark));
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
        }
    }

    /// <summary>Lower case without accents ("Häuser" → "hauser", "Straße" → "strasse"), as stemmers mostly fold them.</summary>
    private static string Fold(ReadOnlySpan<char> word)
    {
        var folded = new StringBuilder(word.Length + 2);
        foreach (var c in word.ToString().Normalize(NormalizationForm.FormD))
        {
            if (c == 'ß')
            {
                folded.Append("ss");
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark))
            {
                folded.Append(char.ToLowerInvariant(c));
            }
        }

        return folded.ToString();
    }

    /// <summary>The excerpts of one article, read from ts_headline's output.</summary>
    private sealed class Passages
    {
        public List<string> Fragments { get; } = [];

        public List<string> Words { get; } = [];

        /// <summary>Adds the fragments of a headline: markers become matches, and the text is encoded for HTML.</summary>
        public void Read(string headline, string body)
        {
            foreach (var marked in headline.Split(FragmentBreak, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var text = new StringBuilder(marked.Length);
                var matches = new List<TextMatch>();
                var start = -1;
                foreach (var c in marked)
                {
                    if (c == MatchStart)
                    {
                        start = text.Length;
                    }
                    else if (c == MatchEnd && start >= 0)
                    {
                        matches.Add(new TextMatch(start, text.Length - start));
                        start = -1;
                    }
                    else if (c != MatchEnd)
                    {
                        text.Append(c == LessThan ? '<' : c);
                    }
                }

                var plain = text.ToString();
                Words.AddRange(matches.Select(m => plain.Substring(m.Start, m.Length)));
                var html = SearchHighlighter.Render(plain, 0, plain.Length, matches);
                // ts_headline cuts fragments at words, leaving out punctuation around them: a fragment that reaches the
                // text's start or end gets it back instead of an ellipsis.
                var at = body.IndexOf(plain, StringComparison.Ordinal);
                Fragments.Add(Edge(at < 0 ? null : body[..at]) + html + Edge(at < 0 ? null : body[(at + plain.Length)..]));
            }
        }

        /// <summary>What lies between a fragment and the text's start or end: itself when only punctuation, else an ellipsis.</summary>
        private static string Edge(string? rest)
            => rest is not null && rest.All(c => char.IsPunctuation(c) || char.IsSymbol(c) || char.IsWhiteSpace(c))
                ? System.Net.WebUtility.HtmlEncode(rest.Trim())
                : "…";
    }
}
