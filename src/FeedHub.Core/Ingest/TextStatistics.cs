using System.Globalization;

namespace FeedHub.Core.Ingest;

/// <summary>Word counts that hold for every script: words between spaces, and for Chinese and Japanese (written
/// without spaces) about one word per two characters.</summary>
public static class TextStatistics
{
    public static int CountWords(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        var words = 0;
        var ideographs = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (IsIdeographic(c))
            {
                ideographs++;
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
            else
            {
                inWord = false;
            }
        }

        return words + ((ideographs + 1) / 2);
    }

    private static bool IsIdeographic(char c) => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.OtherLetter
        && (c is >= '\u3040' and <= '\u30FF' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF');
}
