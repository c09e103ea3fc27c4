using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// Removes what can never be article text (scripts, styles, forms, hidden and ARIA-hidden nodes, navigation
/// landmarks) and restores lazy-loaded images, in one pass over the page.
/// </summary>
internal static partial class PageCleaner
{
    private static readonly HashSet<string> NeverContent = new(StringComparer.Ordinal)
    {
        "script", "style", "link", "meta", "template", "object", "embed", "applet", "canvas", "button", "input",
        "select", "textarea", "option", "optgroup", "datalist", "dialog", "nav", "aside", "footer", "menu", "head",
        "title", "base", "frame", "frameset", "noembed", "param", "map", "area", "svg",
        // Ruby annotations (furigana) repeat the reading of the characters they sit on.
        "rt", "rp",
    };

    private const int MinimumNoscriptParagraphs = 3;
    private const int MinimumNoscriptLength = 400;

    /// <summary>The never-content tags that are landmarks around an article (see <see cref="HoldsMainContent"/>).</summary>
    private static readonly HashSet<string> LandmarkTags = new(StringComparer.Ordinal) { "nav", "aside", "footer", "menu", "dialog" };

    private static readonly HashSet<string> LandmarkRolesAroundContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "navigation", "complementary", "contentinfo", "banner", "menu", "menubar", "search", "dialog", "alertdialog",
        "toolbar", "tablist",
    };

    private static readonly string[] LazySourceAttributes =
    [
        "data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-hi-res-src", "data-full-src",
        "data-orig-src", "data-actualsrc", "data-echo", "data-img-src", "data-image",
    ];

    private static readonly string[] LazySrcsetAttributes = ["data-srcset", "data-lazy-srcset", "data-original-srcset"];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Clean(IElement body)
    {
        var doomed = new List<IElement>();
        var stack = new Stack<IElement>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            if (element != body && ShouldRemove(element))
            {
                doomed.Add(element);
                continue;
            }

            switch (element.LocalName)
            {
                case "img":
                    RestoreLazyImage(element);
                    break;
                case "noscript" when !HoldsProse(element):
                    doomed.Add(element);
                    PromoteNoscriptImage(element);
                    continue;
                case "iframe" when !EmbedPolicy.IsAllowedVideo(element.GetAttribute("src")):
                    doomed.Add(element);
                    continue;
            }

            Dom.PushChildren(stack, element);
        }

        foreach (var element in doomed)
        {
            Dom.Remove(element);
        }
    }

    private static bool ShouldRemove(IElement element)
    {
        if (NeverContent.Contains(element.LocalName))
        {
            return !(LandmarkTags.Contains(element.LocalName) && HoldsMainContent(element));
        }

        if (element.HasAttribute("hidden") || element.GetAttribute("aria-hidden") == "true" && element.LocalName != "img")
        {
            return true;
        }

        if (element.GetAttribute("role") is { } role && LandmarkRolesAroundContent.Contains(role))
        {
            return !HoldsMainContent(element);
        }

        return element.GetAttribute("style") is { } style && HiddenStyle().IsMatch(style);
    }

    /// <summary>
    /// A landmark around the main landmark is markup gone wrong (an unclosed header or aside swallows the page):
    /// the article is inside, so only the landmark's own furniture may go, later, by what it is.
    /// </summary>
    private static bool HoldsMainContent(IElement landmark) =>
        Dom.Descendants(landmark, static e => Dom.Is(e, "main") || e.GetAttribute("role") == "main" || e.GetAttribute("itemprop") == "articleBody", 1).Count > 0;

    /// <summary>Pages built by scripts may keep their whole text in &lt;noscript&gt; for crawlers: that is the article.</summary>
    private static bool HoldsProse(IElement noscript) =>
        Dom.Descendants(noscript, static e => Dom.Is(e, "p"), MinimumNoscriptParagraphs).Count >= MinimumNoscriptParagraphs
        && TextMetrics.WeightedLength(noscript.TextContent, out _) >= MinimumNoscriptLength;

    private static void RestoreLazyImage(IElement image)
    {
        var src = image.GetAttribute("src");
        if (string.IsNullOrWhiteSpace(src) || IsPlaceholder(src))
        {
            foreach (var attribute in LazySourceAttributes)
            {
                if (image.GetAttribute(attribute) is { Length: > 0 } lazy && !IsPlaceholder(lazy))
                {
                    image.SetAttribute("src", lazy.Trim());
                    break;
                }
            }
        }

        foreach (var attribute in LazySrcsetAttributes)
        {
            if (image.GetAttribute(attribute) is { Length: > 0 } lazySet)
            {
                image.SetAttribute("srcset", lazySet.Trim());
                break;
            }
        }

        if (string.IsNullOrWhiteSpace(image.GetAttribute("src")) && image.GetAttribute("srcset") is { Length: > 0 } srcset)
        {
            image.SetAttribute("src", srcset.Split(',')[0].Trim().Split(' ')[0]);
        }
    }

    /// <summary>A lazy-loading page often puts a blank image in src and the real one in a &lt;noscript&gt; beside it.</summary>
    private static void PromoteNoscriptImage(IElement noscript)
    {
        var images = Dom.Descendants(noscript, IsImage, 2);
        if (images.Count != 1 || TextMetrics.WeightedLength(noscript.TextContent, out _) > 0)
        {
            return;
        }

        var image = images[0];
        var previous = noscript.PreviousElementSibling;
        var placeholder = previous?.LocalName == "img" ? previous : previous is null ? null : Dom.Descendants(previous, IsImage, 1).FirstOrDefault();
        if (placeholder is not null && (placeholder.GetAttribute("src") is not { Length: > 0 } src || IsPlaceholder(src)
            || placeholder.GetAttribute("src") == image.GetAttribute("src")))
        {
            placeholder.Parent!.ReplaceChild(image, placeholder);
        }
        else if (placeholder is null)
        {
            noscript.Parent!.InsertBefore(image, noscript);
        }
    }

    private static bool IsImage(IElement element) => Dom.Is(element, "img");

    private static bool IsPlaceholder(string src) =>
        src.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && src.Length < 200 || PlaceholderName().IsMatch(src);

    [GeneratedRegex(@"display\s*:\s*none|visibility\s*:\s*hidden", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex HiddenStyle();

    [GeneratedRegex(@"(^|[/_.-])(blank|placeholder|spacer|pixel|transparent|lazy|loading|grey|gray)[^/]*\.(gif|png|svg|jpg)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PlaceholderName();
}
