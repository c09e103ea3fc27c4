using System.Text;

namespace FeedHub.Core.Charsets;

/// <summary>
/// Guesses the legacy encoding of text that declares none and is not UTF-8, by decoding a sample with each
/// candidate and scoring how much the result looks like running text in that script: letters next to letters of
/// the same script, lower case more often than upper, the most frequent Chinese characters and Hangul syllables; invalid sequences,
/// C1 controls and stray symbols count against. windows-1252 wins unless another candidate is clearly better.
/// </summary>
internal static class CharsetSniffer
{
    private const int SampleLength = 16 * 1024;

    // Legacy encodings that still turn up undeclared. Single-byte encodings whose letters fill the whole upper half
    // (Thai, Hebrew) are left out: any bytes read as plausible text in them.
    private static readonly Encoding[] Candidates = new[] { "windows-1251", "koi8-r", "shift_jis", "euc-jp", "euc-kr", "gb18030", "big5" }
        .Select(name => Encoding.GetEncoding(name, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD")))
        .ToArray();

    // The most frequent characters of written Chinese, simplified and traditional forms: wrongly decoded bytes land on them rarely.
    private static readonly HashSet<char> CommonChinese =
        [.. "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实這個們來為國說時會對於著過發後裡種經麼學現當沒動還進樣開從實"];

    // The most frequent Hangul syllables: Chinese bytes read as EUC-KR make Hangul too, but seldom these.
    private static readonly HashSet<char> CommonHangul =
        [.. "이다는에의가고하를을지한으로서기리사도어자대수들아게여해인것나그만부시있주보정전일니요면합라국회상제적성마및내문화방공설연관장동위소세없년중원우경개발신미모무터때"];

    public static Encoding Guess(ReadOnlySpan<byte> body, Encoding fallback)
    {
        var sample = body[..Math.Min(body.Length, SampleLength)];
        var best = fallback;
        var bestScore = Score(fallback.GetString(sample));
        foreach (var candidate in Candidates)
        {
            var score = Score(candidate.GetString(sample));
            if (score > (bestScore * 1.2) + 4)
            {
                (best, bestScore) = (CharsetDetector.FromLabel(candidate.WebName) ?? candidate, score);
            }
        }

        return best;
    }

    private static double Score(string text)
    {
        double score = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < '\u0080')
            {
                continue;
            }

            var before = i > 0 ? text[i - 1] : ' ';
            var after = i + 1 < text.Length ? text[i + 1] : ' ';
            score += c switch
            {
                '\uFFFD' => -8,
                <= '\u009F' => -4,
                (>= '\u00C0' and <= '\u00FF' and not '\u00D7' and not '\u00F7') or (>= '\u0100' and <= '\u017F')
                    => char.IsAsciiLetter(before) || char.IsAsciiLetter(after) ? 1 : -0.5,
                >= '\u0430' and <= '\u044F' => IsCyrillic(before) || IsCyrillic(after) ? 1 : 0,
                >= '\u0410' and <= '\u042F' => after is >= '\u0430' and <= '\u044F' ? 1 : 0.2,
                >= '\u3040' and <= '\u30FF' and not '\u30FB' => IsKana(before) || IsKana(after) || IsIdeograph(before) || IsIdeograph(after) ? 2 : 0,
                >= '\uAC00' and <= '\uD7A3' => CommonHangul.Contains(c) ? 3 : 0.25,
                >= '\u4E00' and <= '\u9FFF' => CommonChinese.Contains(c) ? 3 : 0.25,
                >= '\u3000' and <= '\u303F' or >= '\uFF00' and <= '\uFFEF' => 0.5,
                _ => -1,
            };
        }

        return score;
    }

    private static bool IsCyrillic(char c) => c is >= '\u0410' and <= '\u044F';

    private static bool IsKana(char c) => c is >= '\u3040' and <= '\u30FF' and not '\u30FB';

    private static bool IsIdeograph(char c) => c is >= '\u4E00' and <= '\u9FFF';


}
