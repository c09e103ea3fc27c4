using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// Finds the lead of an article when the page keeps it outside the body's container: a standfirst or subtitle in
/// the article's header, an intro box above the body, first paragraphs ahead of it. They are the prose blocks just
/// before the body, at its own level or a few levels up, before anything that is navigation.
/// </summary>
internal static class LeadFinder
{
    /// <summary>How many levels above the body its preceding siblings are looked at.</summary>
    private const int MaxLevels = 5;

    /// <summary>How many preceding siblings per level: the lead sits next to the body, not a screen away.</summary>
    private const int MaxSiblingsPerLevel = 4;

    private const int MinimumLeadLength = 60;
    private const int MinimumHeadingLeadLength = 50;
    private const int MaxBlockLength = 800;
    private const int MaxLeadLength = 1600;

    public static List<IElement> Find(IElement first, IElement body, Dictionary<IElement, ElementStats> stats, TitleMatcher title)
    {
        var leads = new List<IElement>();
        var bodyLength = Math.Max(1, stats.TryGetValue(first, out var firstStats) ? firstStats.Length : 0);
        var budget = Math.Min(MaxLeadLength, bodyLength);
        var node = first;
        for (var level = 0; level < MaxLevels && node != body && node.ParentElement is { } parent; level++, node = parent)
        {
            var sibling = node.PreviousElementSibling;
            for (var count = 0; sibling is not null && count < MaxSiblingsPerLevel; count++, sibling = sibling.PreviousElementSibling)
            {
                if (!stats.TryGetValue(sibling, out var s) || s.Length == 0 || IsPictureOrCaption(sibling))
                {
                    continue;
                }

                if (s.LinkDensity > 0.3 && s.Length > MinimumLeadLength || IsFurniture(sibling))
                {
                    // Navigation or a named widget: what lies beyond it is not the article's lead.
                    return Ordered(leads);
                }

                var blocks = LeadBlocks(sibling, stats, title);
                var length = blocks.Sum(block => stats[block].Length);
                if (length > budget)
                {
                    return Ordered(leads);
                }

                budget -= length;
                leads.AddRange(blocks);
            }
        }

        return Ordered(leads);
    }

    private static List<IElement> Ordered(List<IElement> leads)
    {
        leads.Sort((a, b) => a == b ? 0 : a.CompareDocumentPosition(b).HasFlag(DocumentPositions.Following) ? -1 : 1);
        return leads;
    }

    private static bool IsFurniture(IElement element) =>
        element.LocalName is "form" or "ul" or "ol" or "table"
        || ClassVocabulary.KindsOf(element) is var kinds && kinds.HasFlag(ClassKinds.Boilerplate)
            && !kinds.HasFlag(ClassKinds.ArticleBody) && !kinds.HasFlag(ClassKinds.Header);

    /// <summary>A picture with its caption between the lead and the body is passed over, not taken.</summary>
    private static bool IsPictureOrCaption(IElement element) =>
        element.LocalName is "figure" or "figcaption" or "picture" or "img" || ClassVocabulary.KindsOf(element).HasFlag(ClassKinds.Caption);

    /// <summary>The prose blocks of a preceding sibling, in document order; lists, figures and widgets inside it are skipped.</summary>
    private static List<IElement> LeadBlocks(IElement root, Dictionary<IElement, ElementStats> stats, TitleMatcher title)
    {
        var blocks = new List<IElement>();
        var stack = new Stack<IElement>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            if (!stats.TryGetValue(element, out var s) || s.Length < MinimumHeadingLeadLength
                || element.LocalName is "figure" or "figcaption" or "ul" or "ol" or "dl" or "table" or "form" or "a" or "time" or "address"
                || element != root && (IsFurniture(element) || IsPictureOrCaption(element)))
            {
                continue;
            }

            if (IsLeadBlock(element, s, title))
            {
                blocks.Add(element);
                continue;
            }

            if (s.HasBlockChild)
            {
                Dom.PushChildren(stack, element);
            }
        }

        return blocks;
    }

    private static bool IsLeadBlock(IElement element, ElementStats s, TitleMatcher title)
    {
        var name = element.LocalName;
        var isHeading = name is "h2" or "h3" or "h4" or "h5" or "h6";
        var isProse = name is "p" or "blockquote" || name is "div" or "span" or "section" && !s.HasBlockChild;
        if (!isHeading && !isProse || s.Length < (isHeading ? MinimumHeadingLeadLength : MinimumLeadLength) || s.Length > MaxBlockLength
            || s.LinkDensity > 0.2)
        {
            return false;
        }

        var text = Dom.NormalizedText(element);
        return !title.Matches(text, isHeading)
            && !ClassVocabulary.IsBoilerplatePhrase(text) && !ClassVocabulary.IsCallToAction(text)
            && !ClassVocabulary.IsPhotoCredit(text) && !ClassVocabulary.IsByline(text) && !ClassVocabulary.IsNotice(text);
    }
}
