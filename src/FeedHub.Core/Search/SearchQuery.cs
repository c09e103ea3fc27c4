using System.Globalization;
using System.Text;

namespace FeedHub.Core.Search;

/// <summary>
/// A reader's search, in the syntax people know from web search engines: words that must all appear,
/// <c>"quoted phrases"</c>, <c>-excluded</c> words or phrases, and <c>OR</c> between alternatives. Parsing never
/// throws: anything that is not a letter or a digit separates words, an unclosed quote runs to the end, and a query
/// that leaves nothing to look for is refused with a message the reader can act on. Engines receive only words made
/// of letters, digits and a few inner marks, so nothing a reader types reaches an engine's own syntax.
/// </summary>
public sealed class SearchQuery
{
    /// <summary>Longest query text accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Most words (inside phrases too) a query may hold: each one is work for every language's index.</summary>
    public const int MaxWords = 16;

    private static readonly System.Buffers.SearchValues<char> ClosingQuotes = System.Buffers.SearchValues.Create("\"“”»");
    private static readonly System.Buffers.SearchValues<char> WordEnds = System.Buffers.SearchValues.Create(" \t\r\n\"“”«„");

    private SearchQuery(IReadOnlyList<IReadOnlyList<SearchTerm>> required, IReadOnlyList<SearchTerm> excluded)
    {
        Required = required;
        Excluded = excluded;
    }

    /// <summary>What every match has: each group is one term or several alternatives joined by <c>OR</c>.</summary>
    public IReadOnlyList<IReadOnlyList<SearchTerm>> Required { get; }

    /// <summary>What no match has.</summary>
    public IReadOnlyList<SearchTerm> Excluded { get; }

    /// <summary>The words and phrases a match contains (the ones to highlight).</summary>
    public IEnumerable<SearchTerm> Wanted => Required.SelectMany(group => group);

    /// <summary>Parses what a reader typed; false with a reason when there is nothing to search for.</summary>
    public static bool TryParse(string? text, out SearchQuery query, out string problem)
    {
        query = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "The search is empty: type one or more words.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"The search is {text.Length} characters long; at most {MaxLength} are accepted. Keep the few words that matter.");
            return false;
        }

        var tokens = Tokenize(text);
        var wordCount = tokens.Sum(t => t.Term?.Words.Count ?? 0);
        if (wordCount > MaxWords)
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"The search has {wordCount} words; at most {MaxWords} are accepted. Keep the few words that matter.");
            return false;
        }

        var required = new List<List<SearchTerm>>();
        var excluded = new List<SearchTerm>();
        var joinNext = false;
        foreach (var token in tokens)
        {
            if (token.Term is not { } term)
            {
                joinNext = required.Count > 0;
                continue;
            }

            if (token.Excluded)
            {
                excluded.Add(term);
                joinNext = false;
            }
            else if (joinNext)
            {
                required[^1].Add(term);
                joinNext = false;
            }
            else
            {
                required.Add([term]);
            }
        }

        if (required.Count == 0)
        {
            problem = excluded.Count == 0
                ? $"\"{text.Trim()}\" has no word to search for: use letters or digits (wildcards such as * are not supported)."
                : "A search needs at least one word to find, besides the excluded (-word) ones.";
            return false;
        }

        var groups = new List<IReadOnlyList<SearchTerm>>();
        foreach (var group in required.Select(group => group.Distinct().ToList()))
        {
            if (!groups.Any(g => g.SequenceEqual(group)))
            {
                groups.Add(group);
            }
        }

        query = new SearchQuery(groups, excluded.Distinct().ToList());
        problem = string.Empty;
        return true;
    }

    /// <summary>
    /// The query written back in web-search syntax with every term quoted (<c>"a" "b c" OR "d" -"e"</c>), so that words
    /// such as "or" are never read as operators. It is also what PostgreSQL's <c>websearch_to_tsquery</c> takes.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var group in Required)
        {
            for (var i = 0; i < group.Count; i++)
            {
                Separate(text);
                if (i > 0)
                {
                    text.Append("OR ");
                }

                text.Append(group[i].Quoted);
            }
        }

        foreach (var term in Excluded)
        {
            Separate(text);
            text.Append('-').Append(term.Quoted);
        }

        return text.ToString();
    }

    /// <summary>The query as a reader would have typed it: phrases quoted, single words bare.</summary>
    public string Describe()
    {
        var parts = Required.Select(group => string.Join(" OR ", group.Select(t => t.Describe())))
            .Concat(Excluded.Select(t => "-" + t.Describe()));
        return string.Join(' ', parts);
    }

    private static void Separate(StringBuilder text)
    {
        if (text.Length > 0)
        {
            text.Append(' ');
        }
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var excluded = false;
            if (c == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                excluded = true;
                c = text[++i];
            }

            int end;
            string body;
            if (c is '"' or '“' or '”' or '«' or '„')
            {
                var close = text.AsSpan(i + 1).IndexOfAny(ClosingQuotes);
                end = close < 0 ? text.Length : i + 1 + close + 1;
                body = text[(i + 1)..(close < 0 ? text.Length : end - 1)];
            }
            else
            {
                var space = text.AsSpan(i).IndexOfAny(WordEnds);
                end = space < 0 ? text.Length : i + space;
                body = text[i..end];
                if (!excluded && body == "OR")
                {
                    tokens.Add(new Token(null, false));
                    i = end;
                    continue;
                }
            }

            var words = Words(body);
            if (words.Count > 0)
            {
                tokens.Add(new Token(new SearchTerm(words), excluded));
            }

            i = Math.Max(end, i + 1);
        }

        return tokens;
    }

    /// <summary>
    /// Words are runs of letters and digits; an apostrophe, hyphen, dot or underscore between two of them stays
    /// inside the word (l'avion, e-mail, node.js), as the engines' tokenizers expect.
    /// </summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsWordChar(c))
            {
                word.Append(c);
            }
            else if (c is '\'' or '’' or '-' or '.' or '_' && word.Length > 0 && i + 1 < text.Length && IsWordChar(text[i + 1]))
            {
                word.Append(c == '’' ? '\'' : c);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static bool IsWordChar(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber => true,
        _ => false,
    };

    private sealed record Token(SearchTerm? Term, bool Excluded);
}

/// <summary>One word, or a phrase of words that must appear in this order.</summary>
public sealed class SearchTerm : IEquatable<SearchTerm>
{
    public SearchTerm(IReadOnlyList<string> words)
    {
        ArgumentOutOfRangeException.ThrowIfZero(words.Count);
        Words = words;
    }

    public IReadOnlyList<string> Words { get; }

    public bool IsPhrase => Words.Count > 1;

    /// <summary>The words joined by spaces, as an engine's analyzer reads them.</summary>
    public string Text => string.Join(' ', Words);

    internal string Quoted => "\"" + Text + "\"";

    public string Describe() => IsPhrase ? Quoted : Text;

    public bool Equals(SearchTerm? other) => other is not null && Words.SequenceEqual(other.Words, StringComparer.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as SearchTerm);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Text);

    public override string ToString() => Describe();
}
