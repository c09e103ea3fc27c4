using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// Removes what surrounds the article inside the chosen container: widgets named by their class or id (share
/// bars, author boxes, related links, comment counts), link lists, widget labels ("Follow me", "Back to top"),
/// headings and captions that repeat the title, blocks that repeat an earlier block, and what is left empty.
/// </summary>
internal static class BoilerplatePruner
{
    public static void Prune(IElement article, TitleMatcher title, Deadline deadline)
    {
        var stats = ElementStats.Measure(article);
        var total = Math.Max(1, stats[article].Length);
        var seenBlocks = new HashSet<string>(StringComparer.Ordinal);
        var doomed = new List<IElement>();
        var stack = new Stack<IElement>();
        PushChildren(stack, article);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            var s = stats[element];
            if (ShouldPrune(element, s, total, title, seenBlocks))
            {
                doomed.Add(element);
                continue;
            }

            PushChildren(stack, element);
        }

        foreach (var element in doomed)
        {
            Dom.Remove(element);
        }

        if (!deadline.IsPast)
        {
            RemoveEmptyBlocks(article);
        }
    }

    private static void PushChildren(Stack<IElement> stack, IElement element)
    {
        for (var child = element.LastElementChild; child is not null; child = child.PreviousElementSibling)
        {
            stack.Push(child);
        }
    }

    private static bool ShouldPrune(IElement element, ElementStats s, int total, TitleMatcher title, HashSet<string> seenBlocks)
    {
        var name = element.LocalName;
        if (name is "form" or "header" && s.Paragraphs == 0 && s.Length < total / 4)
        {
            return true;
        }

        var classAndId = Dom.ClassAndId(element);
        if (ClassVocabulary.IsBoilerplate(classAndId) && !ClassVocabulary.IsArticleBody(classAndId) && s.Length < total * 0.3)
        {
            return true;
        }

        var isBlock = Dom.IsBlock(name);
        if (!isBlock)
        {
            return false;
        }

        if (s.Length <= 120 && (s.Headings > 0 || !s.HasBlockChild))
        {
            var text = TextMetrics.Normalize(Dom.Text(element));
            if (ClassVocabulary.IsBoilerplatePhrase(text) || title.Matches(text, Dom.IsHeading(name) || name == "figcaption"))
            {
                return true;
            }
        }

        if (IsLinkList(name, s, total))
        {
            return true;
        }

        if (!s.HasBlockChild && s.Length > 0)
        {
            // The same block twice (a caption repeating the intro, a pull quote) is noise the second time.
            var text = TextMetrics.Normalize(Dom.Text(element));
            if (!seenBlocks.Add(text))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLinkList(string name, ElementStats s, int total)
    {
        if (s.Length == 0)
        {
            return false;
        }

        switch (name)
        {
            case "p" or "li" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "dd" or "dt" or "td" or "blockquote":
                return s.LinkDensity > 0.8 && s.Length < 150 && name != "p";
            default:
                if (s.Length >= total / 2)
                {
                    return false;
                }

                return s.LinkDensity > 0.5 || s.ListItems > 2 && s.ListItems > s.Paragraphs && s.LinkDensity > 0.35;
        }
    }

    private static void RemoveEmptyBlocks(IElement article)
    {
        var order = Dom.PreOrder(article);
        for (var i = order.Count - 1; i > 0; i--)
        {
            var element = order[i];
            if (element.LocalName is "br" or "hr" or "img" or "picture" or "video" or "audio" or "iframe" or "source" or "td" or "th")
            {
                continue;
            }

            if (element.FirstElementChild is null && string.IsNullOrWhiteSpace(element.TextContent))
            {
                Dom.Remove(element);
            }
        }
    }
}
