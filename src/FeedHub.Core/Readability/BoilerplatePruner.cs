using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// Removes what surrounds the article inside the chosen container: widgets named by their class or id (share
/// bars, author boxes, related links, comment counts), link lists, widget labels ("Follow me", "Back to top"),
/// headings and captions that repeat the title, photo credits, and what is left empty.
/// </summary>
internal static class BoilerplatePruner
{
    private const int MaxTailBlocks = 15;

    /// <summary>At most this share of the article's text may follow a closing label and go with it.</summary>
    private const double MaxClosingShare = 0.25;

    /// <summary>A comment heading is only believed after this share of the text (a post may well begin by quoting one).</summary>
    private const double MinimumShareBeforeComments = 0.4;

    private const int MaxCommentHeadingLength = 60;

    /// <summary>A closing label stands alone or opens a short block ("Kontakt: Dr. …, Telefon …").</summary>
    private const int MaxLabelledBlockLength = 300;

    /// <summary>A block this short is judged by its words even when it wraps other blocks (a label around an empty ad slot).</summary>
    private const int ShortWidgetLength = 60;

    private const int MaxNoticeLength = 400;

    private const int MaxCaptionLength = 400;

    private const int MinimumProseParagraphLength = 80;
    private static readonly string[] RelatedHeadingStarts = ["related", "more from", "more great", "recommended", "read more", "more stories", "most popular"];

    public static void Prune(IElement article, TitleMatcher title)
    {
        var stats = ElementStats.Measure(article);
        var total = Math.Max(1, stats[article].Length);
        var doomed = new List<IElement>();
        var stack = new Stack<IElement>();
        Dom.PushChildren(stack, article);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            var s = stats[element];
            if (ShouldPrune(element, s, total, title))
            {
                doomed.Add(element);
                continue;
            }

            Dom.PushChildren(stack, element);
        }

        foreach (var element in doomed)
        {
            Dom.Remove(element);
        }

        RemoveLeadImageCaptions(article, stats);
        TrimTail(article);
        RemoveEmptyBlocks(article);
    }

    private static bool ShouldPrune(IElement element, ElementStats s, int total, TitleMatcher title)
    {
        var name = element.LocalName;
        if (name is "form" or "header" && s.Paragraphs == 0 && s.Length < total / 4)
        {
            return true;
        }

        var kinds = ClassVocabulary.KindsOf(element);
        var isGallery = kinds.HasFlag(ClassKinds.Gallery);
        if (kinds.HasFlag(ClassKinds.Boilerplate) && !kinds.HasFlag(ClassKinds.ArticleBody) && (!isGallery || s.IsCaptionHeavy)
            && s.Length < total * (isGallery ? 0.95 : 0.3))
        {
            // A gallery may carry more caption text than the article has prose, and still is not the article.
            return true;
        }

        var isBlock = Dom.IsBlock(name);
        if (!isBlock)
        {
            return false;
        }

        string? text = null;
        if (s.Length <= 240 && (s.Headings > 0 || !s.HasBlockChild || name is "dl" or "figcaption" || s.Length <= ShortWidgetLength))
        {
            text = Dom.NormalizedText(element);
            if (IsJunkText(text) || title.Matches(text, Dom.IsHeading(name) || name == "figcaption")
                || !s.HasBlockChild && name is not ("td" or "th" or "li" or "dd" or "dt") && ClassVocabulary.IsDateline(text))
            {
                return true;
            }
        }

        if (!s.HasBlockChild && s.Length <= MaxNoticeLength && ClassVocabulary.IsNotice(text ?? Dom.NormalizedText(element)))
        {
            return true;
        }

        if (IsLinkList(name, s, total))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// The caption of the picture that opens the page (above the first paragraph) describes the page's lead
    /// image, not a step of the text; captions further down, beside the paragraphs they illustrate, are kept.
    /// </summary>
    private static void RemoveLeadImageCaptions(IElement article, Dictionary<IElement, ElementStats> stats)
    {
        var captions = new List<IElement>();
        foreach (var element in Dom.PreOrder(article))
        {
            if (!stats.TryGetValue(element, out var s))
            {
                continue;
            }

            if (element.LocalName == "p" && s.Length >= MinimumProseParagraphLength && !IsCaption(element, s))
            {
                break;
            }

            if (IsCaption(element, s))
            {
                captions.Add(element);
            }
        }

        foreach (var caption in captions)
        {
            Dom.Remove(caption);
        }
    }

    private static bool IsCaption(IElement element, ElementStats s) =>
        (element.LocalName == "figcaption" || ClassVocabulary.KindsOf(element) is var kinds && kinds.HasFlag(ClassKinds.Caption) && !kinds.HasFlag(ClassKinds.ArticleBody))
        && s.Length <= MaxCaptionLength && s.Paragraphs <= 1;

    private static bool IsJunkText(string normalizedText) =>
        ClassVocabulary.IsBoilerplatePhrase(normalizedText) || ClassVocabulary.IsCallToAction(normalizedText)
        || ClassVocabulary.IsPhotoCredit(normalizedText) || ClassVocabulary.IsByline(normalizedText)
        || ClassVocabulary.IsAdvertisementLabel(normalizedText);

    /// <summary>
    /// Past the last paragraph of the article, pages put "you may also like" lists, sign-up prompts and widget
    /// labels; they are dropped from the end backwards until a block of the article is reached.
    /// </summary>
    private static void TrimTail(IElement article)
    {
        var blocks = new List<IElement>();
        var texts = new List<string>();
        foreach (var element in Dom.PreOrder(article))
        {
            if (element != article && Dom.IsBlock(element.LocalName) && element.LocalName != "br" && !HasBlockChild(element)
                && element.TextContent is var text && !string.IsNullOrWhiteSpace(text))
            {
                blocks.Add(element);
                texts.Add(text);
            }
        }

        if (CutClosingSection(blocks, texts))
        {
            // A block cut may have been inside one that stays (a list item's link around a div): its text is read again.
            texts = blocks.ConvertAll(block => block.TextContent);
        }

        CutCommentSection(blocks, texts);
        for (var i = blocks.Count - 1; i >= 0 && i >= blocks.Count - MaxTailBlocks; i--)
        {
            var block = blocks[i];
            var text = Dom.NormalizedText(block);
            var stats = ElementStats.Measure(block)[block];
            var isLinkOnly = stats.LinkDensity > 0.8 && stats.Length < 200;
            if (!isLinkOnly && !IsJunkText(text) && !IsRelatedHeading(text))
            {
                return;
            }

            Dom.Remove(block);
        }
    }

    private static bool HasBlockChild(IElement element)
    {
        var children = element.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            if (children[i] is IElement child && Dom.IsBlock(child.LocalName) && child.LocalName != "br")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Press releases and institutional pages close with contact details, "further information" links or an "about
    /// us" paragraph under a label of their own: from the label on, the rest is cut, when it is a small part of the text.
    /// </summary>
    /// <returns>True when something was cut.</returns>
    private static bool CutClosingSection(List<IElement> blocks, List<string> texts)
    {
        var lengths = texts.ConvertAll(text => TextMetrics.WeightedLength(text, out _));
        var total = lengths.Sum();
        var after = 0;
        var cut = -1;
        for (var i = blocks.Count - 1; i >= 0 && i >= blocks.Count - MaxTailBlocks; i--)
        {
            after += lengths[i];
            if (after > total * MaxClosingShare)
            {
                break;
            }

            if (i > 0 && ClassVocabulary.IsClosingLabel(FirstLine(blocks[i], texts[i], lengths[i])))
            {
                cut = i;
            }
        }

        for (var i = blocks.Count - 1; cut >= 0 && i >= cut; i--)
        {
            Dom.Remove(blocks[i]);
            blocks.RemoveAt(i);
            texts.RemoveAt(i);
        }

        return cut >= 0;
    }

    /// <summary>
    /// A comment thread left inside the article's container starts under a heading of its own ("3 Kommentare",
    /// "Leave a reply"); from there on, nothing is the article. It only counts past the first part of the text.
    /// </summary>
    private static void CutCommentSection(List<IElement> blocks, List<string> texts)
    {
        var lengths = texts.ConvertAll(text => TextMetrics.WeightedLength(text, out _));
        var total = lengths.Sum();
        var before = 0;
        for (var i = 0; i < blocks.Count; i++)
        {
            if (before >= total * MinimumShareBeforeComments && lengths[i] <= MaxCommentHeadingLength
                && ClassVocabulary.IsCommentHeading(TextMetrics.Normalize(texts[i])))
            {
                for (var j = blocks.Count - 1; j >= i; j--)
                {
                    Dom.Remove(blocks[j]);
                    blocks.RemoveAt(j);
                }

                return;
            }

            before += lengths[i];
        }
    }

    /// <summary>The label at the start of a block ("Kontakt:" in bold before the address), normalised.</summary>
    private static string FirstLine(IElement block, string text, int length)
    {
        if (length > MaxLabelledBlockLength)
        {
            return string.Empty;
        }

        var first = block.FirstElementChild is { LocalName: "strong" or "b" } label && text.TrimStart().StartsWith(label.TextContent.Trim(), StringComparison.Ordinal)
            ? label.TextContent
            : text;
        return TextMetrics.Normalize(first);
    }

    private static bool IsRelatedHeading(string normalizedText) =>
        normalizedText.Length <= 60 && RelatedHeadingStarts.Any(start => normalizedText.StartsWith(start, StringComparison.Ordinal));

    private static bool IsLinkList(string name, ElementStats s, int total)
    {
        if (s.Length == 0)
        {
            return false;
        }

        switch (name)
        {
            case "p" or "td" or "th" or "li" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                return false;
            case "dd" or "dt" or "blockquote":
                return s.LinkDensity > 0.8 && s.Length < 150;
            case "ul":
                return s.ListItems >= 3 && s.LinkDensity > 0.7 && s.Length < total / 2;
            case "ol":
                // Numbered lists of links are mostly references and footnotes, which belong to the article.
                return s.ListItems >= 3 && s.LinkDensity > 0.9 && s.Length < total / 2;
            default:
                if (s.Length >= total / 2)
                {
                    return false;
                }

                // A container of lists is judged by its lists (a reference list differs from a related-links list).
                return s.ListItems > 2 && s.ListItems > s.Paragraphs ? false : s.LinkDensity > 0.5;
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

            if (IsEmpty(element))
            {
                Dom.Remove(element);
            }
        }
    }

    /// <summary>No child element and no text but white space (read in place: the text of every element was made a string).</summary>
    private static bool IsEmpty(IElement element)
    {
        var children = element.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            switch (children[i])
            {
                case IElement:
                    return false;
                case IText text when !string.IsNullOrWhiteSpace(text.Data):
                    return false;
            }
        }

        return true;
    }
}
