using System.Runtime.CompilerServices;
using System.Text;

namespace FeedHub.Core.Readability;

/// <summary>Character classes and counts that treat Chinese and Japanese text fairly next to space-separated scripts.</summary>
internal static class TextMetrics
{
    /// <summary>One Han or kana character carries about as much as three Latin letters.</summary>
    public const int CjkWeight = 3;

    public static bool IsCjk(char c) =>
        c is >= '\u3040' and <= '\u30FF' // hiragana, katakana
            or >= '\u3400' and <= '\u4DBF'
            or >= '\u4E00' and <= '\u9FFF'
            or >= '\uF900' and <= '\uFAFF'
            or >= '\uFF66' and <= '\uFF9F'; // half-width katakana

    public static bool IsComma(char c) => c is ',' or '\uFF0C' or '\u3001' or '\u060C';

    /// <summary>Visible length of a text: non-space characters, CJK weighted by <see cref="CjkWeight"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WeightedLength(string text, out int commas)
    {
        var length = 0;
        commas = 0;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            length += IsCjk(c) ? CjkWeight : 1;
            if (IsComma(c))
            {
                commas++;
            }
        }

        return length;
    }

    /// <summary>Words separated by spaces, plus one word per CJK character.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountWords(string text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                words++;
                inWord = false;
            }
            else if (char.IsLetterOrDigit(c))
            {
                if (!inWord)
                {
                    words++;
                    inWord = true;
                }
            }
            else if (char.IsWhiteSpace(c) || char.IsPunctuation(c))
            {
                inWord = false;
            }
        }

        return words;
    }

    /// <summary>Reading time at 230 words a minute (CJK characters at about 500 a minute).</summary>
    public static TimeSpan ReadingTime(string text)
    {
        var cjk = 0;
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                cjk++;
            }
        }

        var otherWords = CountWords(text) - cjk;
        return TimeSpan.FromMinutes(Math.Ceiling(otherWords / 230.0 + cjk / 500.0));
    }

    /// <summary>Lower-case text with runs of white space collapsed, for comparing blocks with each other and the title.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        AppendNormalized(builder, text, ref space);
        return builder.ToString();
    }

    /// <summary>
    /// Appends <paramref name="text"/> as <see cref="Normalize"/> writes it, continuing a normalised text: <paramref name="space"/>
    /// says that white space is pending, to be written before the next character.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AppendNormalized(StringBuilder builder, string text, ref bool space)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }
    }
}
