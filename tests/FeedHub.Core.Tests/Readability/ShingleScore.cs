using System.Text.RegularExpressions;

namespace FeedHub.Core.Tests.Readability;

/// <summary>The article-extraction benchmark's metric: F1 over multisets of 4-word shingles.</summary>
internal static partial class ShingleScore
{
    public static double F1(string truth, string predicted)
    {
        var expected = Shingles(truth);
        var actual = Shingles(predicted);
        var truePositives = 0;
        foreach (var (shingle, count) in actual)
        {
            truePositives += Math.Min(count, expected.GetValueOrDefault(shingle));
        }

        var precision = truePositives / (double)Math.Max(1, actual.Values.Sum());
        var recall = truePositives / (double)Math.Max(1, expected.Values.Sum());
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    private static Dictionary<string, int> Shingles(string text)
    {
        var tokens = Word().Matches(text).Select(m => m.Value).ToList();
        var shingles = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Max(1, tokens.Count - 3); i++)
        {
            var shingle = string.Join(' ', tokens.Skip(i).Take(4));
            if (shingle.Length > 0)
            {
                shingles[shingle] = shingles.GetValueOrDefault(shingle) + 1;
            }
        }

        return shingles;
    }

    [GeneratedRegex(@"\w+", RegexOptions.NonBacktracking)]
    private static partial Regex Word();
}
