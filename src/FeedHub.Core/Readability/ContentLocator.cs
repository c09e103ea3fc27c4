using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// Finds the element that holds the article: every paragraph-like block votes for its nearby ancestors by how
/// much prose it carries (length, commas), votes fade with distance, and an ancestor's tally is weighed by its
/// tag, by what its class and id say, and by how much of its text is links.
/// </summary>
internal static class ContentLocator
{
    private const int MinimumBlockLength = 25;

    /// <summary>How far above the best candidate chunks of the same body are looked for.</summary>
    private const int ChunkScopeLevels = 6;

    /// <summary>Gallery captions can outweigh the article they illustrate; their container's votes count a fifth.</summary>
    private const double GalleryFactor = 0.2;

    private const int GalleryScopeLevels = 3;

    private const double TeaserListFactor = 0.2;
    private const int TeaserListScopeLevels = 3;
    private const int MinimumTeasers = 3;

    private const int FullerAncestorLevels = 3;
    private const double FullerAncestorScoreShare = 0.75;
    private const int FullerAncestorTextFactor = 3;
    private const double FullerAncestorLinkDensity = 0.2;
    private static readonly double[] AncestorShare = [1, 0.5, 1 / 3.0, 0.25, 0.2];

    public static List<IElement> Locate(IElement body, Dictionary<IElement, ElementStats> stats)
    {
        var scores = new Dictionary<IElement, double>(ReferenceEqualityComparer.Instance);
        foreach (var (element, s) in stats)
        {
            var weight = TextBlockWeight(element, s, out var ownTextOnly);
            if (weight > 0)
            {
                Vote(element, weight, ownTextOnly ? s.OwnLength : s.Length, s.Commas, ownTextOnly, body, scores);
            }
        }

        if (scores.Count == 0)
        {
            return [body];
        }

        IElement? best = null;
        var bestScore = double.MinValue;
        var teaserLists = new Dictionary<IElement, bool>(ReferenceEqualityComparer.Instance);
        foreach (var (element, score) in scores)
        {
            var adjusted = score * (1 - stats[element].LinkDensity) * (IsInGallery(element, body, stats) ? GalleryFactor : 1)
                * (IsInTeaserList(element, body, stats, teaserLists) ? TeaserListFactor : 1);
            scores[element] = adjusted;
            if (adjusted > bestScore)
            {
                best = element;
                bestScore = adjusted;
            }
        }

        best = PreferCommonAncestor(OutOfTablesAndLists(best!, body), bestScore, scores, body);
        best = OutOfInlineWrappers(PreferFullerAncestor(best, bestScore, scores, stats, body), body);
        var parts = SameKindParts(best, stats);
        return parts.Count > 1 ? parts : WithRelatedSiblings(best, scores, stats);
    }

    /// <summary>
    /// How much a block counts as prose: a paragraph fully; a list item a third (lists are as often navigation,
    /// galleries or references as article text); a container whose text sits directly in it rather than in child blocks fully.
    /// </summary>
    private static double TextBlockWeight(IElement element, ElementStats s, out bool ownTextOnly)
    {
        ownTextOnly = false;
        switch (element.LocalName)
        {
            case "p":
                return s.Length >= MinimumBlockLength ? 1 : 0;
            case "pre" or "td" or "blockquote":
                return !s.HasBlockChild && s.Length >= MinimumBlockLength ? 1 : 0;
            case "li" or "dd":
                return !s.HasBlockChild && s.Length >= MinimumBlockLength ? 1 / 3.0 : 0;
            case "div" or "section" or "article" or "span" or "font" or "center" or "main":
                if (!s.HasBlockChild)
                {
                    return element.LocalName != "span" && s.Length >= MinimumBlockLength ? 1 : 0;
                }

                ownTextOnly = s.OwnLength >= MinimumBlockLength * 4;
                return ownTextOnly ? 1 : 0;
            default:
                return 0;
        }
    }

    private static void Vote(IElement block, double weight, int length, int commas, bool startAtSelf, IElement body, Dictionary<IElement, double> scores)
    {
        var vote = weight * (1 + commas + Math.Min(length / 100.0, 3));
        var ancestor = startAtSelf ? block : block.ParentElement;
        for (var level = 0; level < AncestorShare.Length && ancestor is not null; level++)
        {
            if (!scores.TryGetValue(ancestor, out var score))
            {
                score = InitialScore(ancestor);
            }

            scores[ancestor] = score + vote * AncestorShare[level];
            if (ancestor == body)
            {
                break;
            }

            ancestor = ancestor.ParentElement;
        }
    }

    private static double InitialScore(IElement element)
    {
        var score = element.LocalName switch
        {
            "article" => 8,
            "main" or "div" => 5,
            "section" or "pre" or "td" or "blockquote" => 3,
            "ol" or "ul" or "dl" or "dd" or "dt" or "li" or "form" or "address" => -3,
            "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "th" or "header" => -5,
            _ => 0,
        };
        return score + ClassWeight(element);
    }

    public static double ClassWeight(IElement element)
    {
        if (element.GetAttribute("itemprop") is { } itemprop && itemprop.Contains("articleBody", StringComparison.OrdinalIgnoreCase))
        {
            return 40;
        }

        var kinds = ClassVocabulary.KindsOf(element);
        if (kinds.HasFlag(ClassKinds.ArticleBody))
        {
            return 35;
        }

        var weight = 0.0;
        if (kinds.HasFlag(ClassKinds.Boilerplate))
        {
            weight -= 25;
        }

        if (kinds.HasFlag(ClassKinds.ContentLike))
        {
            weight += 25;
        }

        return weight;
    }

    /// <summary>Looks a few levels up only: page wrappers carry gallery feature flags ("has-gallery") too.</summary>
    private static bool IsInGallery(IElement element, IElement body, Dictionary<IElement, ElementStats> stats)
    {
        var ancestor = element;
        for (var level = 0; level <= GalleryScopeLevels && ancestor is not null && ancestor != body; level++, ancestor = ancestor.ParentElement)
        {
            if (ClassVocabulary.KindsOf(ancestor).HasFlag(ClassKinds.Gallery) && stats[ancestor].IsCaptionHeavy)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A list of other articles' teasers (each item with its own linked headline, perhaps an abstract) can hold more
    /// prose than the article it sits under; the list and its items count a fifth, as galleries do.
    /// </summary>
    private static bool IsInTeaserList(IElement element, IElement body, Dictionary<IElement, ElementStats> stats, Dictionary<IElement, bool> known)
    {
        var ancestor = element;
        for (var level = 0; level <= TeaserListScopeLevels && ancestor is not null && ancestor != body; level++, ancestor = ancestor.ParentElement)
        {
            if (!known.TryGetValue(ancestor, out var isList))
            {
                isList = IsTeaserList(ancestor, stats);
                known[ancestor] = isList;
            }

            if (isList)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTeaserList(IElement element, Dictionary<IElement, ElementStats> stats)
    {
        if (stats[element].Headings < MinimumTeasers)
        {
            return false;
        }

        var items = Dom.ChildElements(element);
        if (items.Count < MinimumTeasers)
        {
            return false;
        }

        var teasers = 0;
        foreach (var item in items)
        {
            if (stats.TryGetValue(item, out var s) && s.Headings > 0 && HasLinkedHeadline(item))
            {
                teasers++;
            }
        }

        return teasers >= MinimumTeasers && teasers * 10 >= items.Count * 6;
    }

    /// <summary>A headline that is (or holds) a link to elsewhere, as teasers have and article sections do not.</summary>
    private static bool HasLinkedHeadline(IElement item)
    {
        return Dom.Descendants(item, static e => (Dom.Is(e, "h2") || Dom.Is(e, "h3") || Dom.Is(e, "h4") || Dom.Is(e, "h5"))
            && (e.ParentElement is { LocalName: "a" } || Dom.Descendants(e, static a => Dom.Is(a, "a") && a.HasAttribute("href"), 1).Count > 0), 1).Count > 0;
    }

    /// <summary>A table or list is a part of an article, almost never all of it: the article is what holds it.</summary>
    private static IElement OutOfTablesAndLists(IElement best, IElement body)
    {
        while (best.LocalName is "tbody" or "thead" or "tfoot" or "tr" or "table" or "ul" or "ol" or "dl"
               && best.ParentElement is { } parent && parent != body)
        {
            best = parent;
        }

        return best;
    }

    /// <summary>
    /// Broken markup (an unclosed <c>&lt;a name&gt;</c> or <c>&lt;font&gt;</c>) can wrap a block in an inline element of its
    /// own: the block's neighbours, where the rest of the article is, are the wrapper's.
    /// </summary>
    private static IElement OutOfInlineWrappers(IElement best, IElement body)
    {
        while (best.ParentElement is { LocalName: "a" or "font" or "span" or "b" or "i" or "em" or "strong" } wrapper && wrapper != body
               && wrapper.ChildElementCount == 1)
        {
            best = wrapper;
        }

        return best;
    }

    /// <summary>When several strong candidates sit side by side, the article is their common container.</summary>
    private static IElement PreferCommonAncestor(IElement best, double bestScore, Dictionary<IElement, double> scores, IElement body)
    {
        var rivals = scores.Where(kv => kv.Key != best && kv.Value >= bestScore * 0.75 && !kv.Key.Contains(best) && !best.Contains(kv.Key))
            .Select(kv => kv.Key)
            .ToList();
        if (rivals.Count < 2)
        {
            return best;
        }

        for (var ancestor = best.ParentElement; ancestor is not null && ancestor != body; ancestor = ancestor.ParentElement)
        {
            if (rivals.Count(ancestor.Contains) >= 2)
            {
                return ancestor;
            }
        }

        return best;
    }

    /// <summary>
    /// A single dense block (a standfirst, an intro box) can outscore the container of the whole article by a little:
    /// a parent that scores nearly as well and holds several times its text, with few links, is the article.
    /// </summary>
    private static IElement PreferFullerAncestor(IElement best, double bestScore, Dictionary<IElement, double> scores,
        Dictionary<IElement, ElementStats> stats, IElement body)
    {
        var fuller = best;
        var ancestor = best == body ? null : best.ParentElement;
        for (var level = 0; level < FullerAncestorLevels && ancestor is not null && ancestor != body; level++, ancestor = ancestor.ParentElement)
        {
            if (stats[ancestor].LinkDensity > FullerAncestorLinkDensity)
            {
                break;
            }

            if (scores.TryGetValue(ancestor, out var score) && score >= bestScore * FullerAncestorScoreShare
                && stats[ancestor].Length >= stats[fuller].Length * FullerAncestorTextFactor)
            {
                fuller = ancestor;
            }
        }

        return fuller;
    }

    /// <summary>
    /// Pages that cut the body into chunks between ads or sections (one container per few paragraphs) give every
    /// chunk the same tag and class, give or take a number: all the chunks near the best one, in order, are the article.
    /// </summary>
    private static List<IElement> SameKindParts(IElement best, Dictionary<IElement, ElementStats> stats)
    {
        var signature = ClassSignature(best);
        if (signature.Length == 0)
        {
            return [best];
        }

        var scope = best;
        for (var level = 0; level < ChunkScopeLevels && scope.ParentElement is { } parent; level++)
        {
            scope = parent;
        }

        var parts = new List<IElement>();
        foreach (var (element, s) in stats)
        {
            if (element == best || element.LocalName == best.LocalName && s.Length >= MinimumBlockLength * 4 && s.LinkDensity < 0.3
                && ClassSignature(element) == signature && scope.Contains(element))
            {
                parts.Add(element);
            }
        }

        if (parts.Count < 2)
        {
            return [best];
        }

        parts.RemoveAll(part => parts.Any(other => other != part && other.Contains(part)));
        parts.Sort((a, b) => a == b ? 0 : a.CompareDocumentPosition(b).HasFlag(DocumentPositions.Following) ? -1 : 1);
        return parts;
    }

    private static string ClassSignature(IElement element) =>
        string.Concat((element.GetAttribute("class") ?? string.Empty).Where(c => !char.IsAsciiDigit(c))).Trim();

    /// <summary>Siblings of the best candidate that continue the article (split bodies, loose paragraphs).</summary>
    private static List<IElement> WithRelatedSiblings(IElement best, Dictionary<IElement, double> scores, Dictionary<IElement, ElementStats> stats)
    {
        var parent = best.ParentElement;
        if (parent is null)
        {
            return [best];
        }

        var bestScore = scores.GetValueOrDefault(best);
        var threshold = Math.Max(10, bestScore * 0.2);
        var bestClass = best.GetAttribute("class");
        var siblings = Dom.ChildElements(parent);
        var isKept = new bool[siblings.Count];
        for (var i = 0; i < siblings.Count; i++)
        {
            var sibling = siblings[i];
            var bonus = bestClass is { Length: > 0 } && sibling.GetAttribute("class") == bestClass ? bestScore * 0.2 : 0;
            isKept[i] = sibling == best
                || scores.TryGetValue(sibling, out var score) && score + bonus >= threshold
                || sibling.LocalName is "p" or "div" && stats.TryGetValue(sibling, out var s) && !s.HasBlockChild && IsLooseParagraph(sibling, s);
        }

        // Between two kept parts, what is not link-heavy (headings, figures, a short paragraph) belongs to the article too;
        // what is left of the boilerplate there is the pruner's to remove.
        var first = Array.IndexOf(isKept, true);
        var last = Array.LastIndexOf(isKept, true);
        for (var i = first + 1; i < last; i++)
        {
            isKept[i] |= stats.TryGetValue(siblings[i], out var s) && s.LinkDensity < 0.5;
        }

        return siblings.Where((_, i) => isKept[i]).ToList();
    }

    private static bool IsLooseParagraph(IElement paragraph, ElementStats s)
    {
        if (s.Length > 80)
        {
            return s.LinkDensity < 0.25;
        }

        var text = paragraph.TextContent.TrimEnd();
        return s.Length > 0 && s.LinkDensity == 0 && text.Length > 0 && text[^1] is '.' or '!' or '?' or '。' or '！' or '？';
    }
}
