using System.Buffers;

namespace FeedHub.Core.Readability;

/// <summary>
/// A cheap guess of the language of a text when the page does not declare it: the writing system decides for
/// most scripts, and a handful of very common words tell the major Latin-script languages apart.
/// </summary>
internal static class LanguageDetector
{
    private const int SampleLetters = 4000;

    /// <summary>The first words of a text are enough to tell its language.</summary>
    private const int SampleWords = 2000;

    private const string WordPunctuation = ".,;:!?\"'()«»“”";

    private static readonly (string Language, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Words)[] LatinStopWords =
    [
        ("en", Set("the and of to is in that it was for with as on are be this by")),
        ("fr", Set("le la les et des est une un du que qui dans pour pas sur au avec ce")),
        ("de", Set("der die das und ist nicht ein eine zu den mit sich des auf für im dem")),
        ("es", Set("el la los las y que de en un una es por con para del se no")),
        ("it", Set("il la di che e un una per non sono della del con le gli è")),
        ("pt", Set("o a os as e que de do da em um uma para com não é no na")),
        ("nl", Set("de het een en van is dat niet op te in zijn met voor")),
    ];

    public static string? Detect(string text)
    {
        int han = 0, kana = 0, hangul = 0, arabic = 0, hebrew = 0, cyrillic = 0, greek = 0, thai = 0, devanagari = 0, latin = 0;
        var letters = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c))
            {
                continue;
            }

            if (++letters > SampleLetters)
            {
                break;
            }

            switch (c)
            {
                case >= '\u3040' and <= '\u30FF': kana++; break;
                case >= '\u3400' and <= '\u9FFF': han++; break;
                case >= '\uAC00' and <= '\uD7AF': hangul++; break;
                case >= '\u0600' and <= '\u06FF': arabic++; break;
                case >= '\u0590' and <= '\u05FF': hebrew++; break;
                case >= '\u0400' and <= '\u04FF': cyrillic++; break;
                case >= '\u0370' and <= '\u03FF': greek++; break;
                case >= '\u0E00' and <= '\u0E7F': thai++; break;
                case >= '\u0900' and <= '\u097F': devanagari++; break;
                case <= '\u024F': latin++; break;
            }
        }

        if (letters == 0)
        {
            return null;
        }

        if (kana > 0 && kana * 20 >= han)
        {
            return "ja";
        }

        var scripts = new (string Language, int Count)[]
        {
            ("zh", han), ("ko", hangul), ("ar", arabic), ("he", hebrew), ("ru", cyrillic), ("el", greek), ("th", thai),
            ("hi", devanagari), ("latin", latin),
        };
        var (language, count) = scripts.MaxBy(s => s.Count);
        if (count * 2 < Math.Min(letters, SampleLetters))
        {
            return null;
        }

        return language == "latin" ? DetectLatin(text) : language;
    }

    private static string? DetectLatin(string text)
    {
        var counts = new int[LatinStopWords.Length];
        var words = 0;
        Span<char> lower = stackalloc char[LongestStopWord];
        var rest = text.AsSpan();
        while (words < SampleWords)
        {
            rest = rest.TrimStart();
            if (rest.IsEmpty)
            {
                break;
            }

            var end = rest.IndexOfAny(WhiteSpace);
            var word = (end < 0 ? rest : rest[..end]).Trim(WordPunctuation);
            rest = end < 0 ? default : rest[end..];
            words++;
            // Longer words are no stop word: they need no lower-casing nor looking up.
            if (word.Length > LongestStopWord)
            {
                continue;
            }

            var length = word.ToLowerInvariant(lower);
            for (var i = 0; i < LatinStopWords.Length; i++)
            {
                if (LatinStopWords[i].Words.Contains(lower[..length]))
                {
                    counts[i]++;
                }
            }
        }

        var best = Array.IndexOf(counts, counts.Max());
        return counts[best] * 20 >= words && counts[best] > 0 ? LatinStopWords[best].Language : null;
    }

    private static readonly int LongestStopWord = LatinStopWords.Max(language => language.Words.Set.Max(word => word.Length));

    private static readonly SearchValues<char> WhiteSpace =
        SearchValues.Create(Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace).ToArray());

    private static HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Set(string words)
        => new HashSet<string>(words.Split(' '), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsRightToLeft(string? language)
    {
        if (string.IsNullOrEmpty(language))
        {
            return false;
        }

        var primary = language.Split('-', '_')[0].ToLowerInvariant();
        return primary is "ar" or "he" or "iw" or "fa" or "ur" or "yi" or "ps" or "sd" or "ug" or "dv" or "ckb";
    }
}
