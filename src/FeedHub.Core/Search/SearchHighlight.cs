using System.Net;
using System.Text;

namespace FeedHub.Core.Search;

/// <summary>
/// Why an article matched a search: a few excerpts of its text with the matching words marked, and those words as
/// they are written in the text (a search for "running" may have matched "runs").
/// </summary>
/// <param name="Fragments">HTML-safe excerpts: text is encoded and matches are wrapped in <c>&lt;mark&gt;</c>.</param>
/// <param name="MatchedWords">The distinct words marked in <paramref name="Fragments"/>, in the order met.</param>
public sealed record SearchHighlight(IReadOnlyList<string> Fragments, IReadOnlyList<string> MatchedWords)
{
    public static SearchHighlight None { get; } = new([], []);
}

/// <summary>A stretch of a text and the places in it that matched.</summary>
public readonly record struct TextMatch(int Start, int Length);

/// <summary>Cuts highlight excerpts out of a text, given where the matches are.</summary>
public static class SearchHighlighter
{
    public const int MaxFragments = 2;

    /// <summary>About how long an excerpt is, in characters.</summary>
    public const int FragmentLength = 180;

    private const char Ellipsis = '…';

    /// <summary>
    /// Up to <see cref="MaxFragments"/> excerpts around the densest matches, cut at word boundaries, in text order;
    /// without matches, the opening of the text.
    /// </summary>
    public static SearchHighlight Build(string text, IReadOnlyList<TextMatch> matches)
    {
        if (text.Length == 0)
        {
            return SearchHighlight.None;
        }

        var sorted = matches.Where(m => m.Length > 0 && m.Start >= 0 && m.Start + m.Length <= text.Length).OrderBy(m => m.Start).ToList();
        if (sorted.Count == 0)
        {
            var (start, end) = Window(text, 0);
            return new SearchHighlight([Render(text, start, end, [])], []);
        }

        // Greedy: the window with the most matches, then the best one that does not overlap it.
        var windows = new List<(int Start, int End)>();
        var remaining = sorted;
        while (windows.Count < MaxFragments && remaining.Count > 0)
        {
            var best = remaining
                .Select(m => Window(text, Math.Max(0, m.Start - (FragmentLength / 4))))
                .MaxBy(w => remaining.Count(m => m.Start >= w.Start && m.Start + m.Length <= w.End));
            windows.Add(best);
            remaining = remaining.Where(m => windows.All(w => m.Start + m.Length <= w.Start || m.Start >= w.End)).ToList();
        }

        windows.Sort();
        var fragments = windows.Select(w => Render(text, w.Start, w.End, sorted)).ToList();
        var words = sorted
            .Where(m => windows.Any(w => m.Start >= w.Start && m.Start + m.Length <= w.End))
            .Select(m => text.Substring(m.Start, m.Length))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new SearchHighlight(fragments, words);
    }

    /// <summary>Encodes text for HTML, with marker-delimited stretches wrapped in <c>mark</c> elements.</summary>
    public static string Render(string text, int start, int end, IReadOnlyList<TextMatch> matches)
    {
        var html = new StringBuilder((end - start) + 32);
        if (start > 0)
        {
            html.Append(Ellipsis);
        }

        var at = start;
        foreach (var match in matches)
        {
            if (match.Start < at || match.Start + match.Length > end)
            {
                continue;
            }

            html.Append(WebUtility.HtmlEncode(text[at..match.Start]));
            html.Append("<mark>").Append(WebUtility.HtmlEncode(text.Substring(match.Start, match.Length))).Append("</mark>");
            at = match.Start + match.Length;
        }

        html.Append(WebUtility.HtmlEncode(text[at..end]));
        if (end < text.Length)
        {
            html.Append(Ellipsis);
        }

        return html.ToString();
    }

    /// <summary>About <see cref="FragmentLength"/> characters from <paramref name="from"/>, widened to whole words.</summary>
    private static (int Start, int End) Window(string text, int from)
    {
        var start = from;
        while (start > 0 && from - start < 40 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        var end = Math.Min(text.Length, start + FragmentLength);
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && end - start < FragmentLength + 40)
        {
            end++;
        }

        return (start, end);
    }
}
