using System.Runtime.CompilerServices;
using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>Text and structure counts of one element's subtree.</summary>
internal sealed class ElementStats
{
    /// <summary>Weighted visible length (<see cref="TextMetrics.WeightedLength"/>) of all text below.</summary>
    public int Length;

    /// <summary>The part of <see cref="Length"/> inside links.</summary>
    public int LinkLength;

    /// <summary>Length of the text nodes that are direct children.</summary>
    public int OwnLength;

    public int Commas;
    public int Paragraphs;
    public int ListItems;
    public int Headings;
    public int Images;
    public bool HasBlockChild;

    public double LinkDensity => Length == 0 ? 0 : (double)LinkLength / Length;

    /// <summary>
    /// Captions run to a sentence or two per picture (or per slide, when the slides are list items); a block named a
    /// gallery or slideshow that carries more text per slide than that is prose with illustrations (or a script hook
    /// on the article), not a photo gallery.
    /// </summary>
    public bool IsCaptionHeavy => Length <= Math.Max(1, Math.Max(Images, ListItems)) * MaxCaptionLength;

    private const int MaxCaptionLength = 300;

    private void Add(ElementStats child)
    {
        Length += child.Length;
        LinkLength += child.LinkLength;
        Commas += child.Commas;
        Paragraphs += child.Paragraphs;
        ListItems += child.ListItems;
        Headings += child.Headings;
        Images += child.Images;
    }

    /// <summary>Stats of every element under (and including) <paramref name="root"/>, without recursion.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Dictionary<IElement, ElementStats> Measure(IElement root)
    {
        var order = Dom.PreOrder(root);
        // AngleSharp nodes are IEquatable with DOM isEqualNode semantics (a deep comparison): compare references.
        var stats = new Dictionary<IElement, ElementStats>(order.Count, ReferenceEqualityComparer.Instance);
        for (var i = order.Count - 1; i >= 0; i--)
        {
            var element = order[i];
            var s = new ElementStats();
            // By index: a foreach over the node list would box an enumerator per element.
            var children = element.ChildNodes;
            for (var c = 0; c < children.Length; c++)
            {
                var child = children[c];
                if (child is IText text)
                {
                    var length = TextMetrics.WeightedLength(text.Data, out var commas);
                    s.Length += length;
                    s.OwnLength += length;
                    s.Commas += commas;
                }
                else if (child is IElement childElement && stats.TryGetValue(childElement, out var childStats))
                {
                    s.Add(childStats);
                    s.HasBlockChild |= Dom.IsBlock(childElement.LocalName);
                }
            }

            switch (element.LocalName)
            {
                case "a":
                    s.LinkLength = s.Length;
                    break;
                case "p":
                    s.Paragraphs++;
                    break;
                case "li":
                    s.ListItems++;
                    break;
                case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                    s.Headings++;
                    break;
                case "img":
                    s.Images++;
                    break;
            }

            stats[element] = s;
        }

        return stats;
    }
}
