using System.Runtime.CompilerServices;
using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>DOM helpers that never recurse, so a page nested ten thousand levels deep cannot overflow the stack.</summary>
internal static class Dom
{
    private static readonly HashSet<string> BlockTags = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul", "caption", "br",
    };

    public static bool IsBlock(string localName) => BlockTags.Contains(localName);

    public static bool IsHeading(string localName) => localName is "h1" or "h2" or "h3" or "h4" or "h5" or "h6";

    /// <summary>
    /// Pushes the element children so they pop in document order. Indexes the child list: AngleSharp's
    /// sibling properties search the parent's children, which is quadratic on a parent with thousands of rows.
    /// </summary>
    public static void PushChildren(Stack<IElement> stack, IElement element)
    {
        var children = element.ChildNodes;
        for (var i = children.Length - 1; i >= 0; i--)
        {
            if (children[i] is IElement child)
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>The element children in document order, by index (see <see cref="PushChildren"/>).</summary>
    public static List<IElement> ChildElements(IElement element)
    {
        var children = element.ChildNodes;
        var elements = new List<IElement>(children.Length);
        for (var i = 0; i < children.Length; i++)
        {
            if (children[i] is IElement child)
            {
                elements.Add(child);
            }
        }

        return elements;
    }

    /// <summary>The element and all its descendant elements in document order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<IElement> PreOrder(IElement root)
    {
        var order = new List<IElement>();
        // The thread's stack, grown once: an extraction walks the page and the article a score of times.
        var stack = t_preOrderStack ??= new Stack<IElement>();
        stack.Clear();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            order.Add(element);
            PushChildren(stack, element);
        }

        return order;
    }

    /// <summary>
    /// The descendant elements of <paramref name="root"/> (not itself) that <paramref name="match"/> accepts, in document
    /// order, at most <paramref name="limit"/> of them. The extractor's few fixed queries walk the tree themselves: a
    /// selector query parses its selector (behind a lock) and collects every match each time it is asked.
    /// </summary>
    public static List<IElement> Descendants(IElement root, Func<IElement, bool> match, int limit = int.MaxValue)
    {
        var found = new List<IElement>();
        var stack = new Stack<IElement>();
        PushChildren(stack, root);
        while (stack.Count > 0 && found.Count < limit)
        {
            var element = stack.Pop();
            if (match(element))
            {
                found.Add(element);
            }

            PushChildren(stack, element);
        }

        return found;
    }

    /// <summary>True when the element is named <paramref name="localName"/>, as a CSS type selector matches it (ignoring case).</summary>
    public static bool Is(IElement element, string localName) => element.LocalName.Equals(localName, StringComparison.OrdinalIgnoreCase);

    /// <summary>All text below the element, without recursion.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Text(IElement root)
    {
        var builder = new System.Text.StringBuilder();
        var stack = new Stack<INode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IText text)
            {
                builder.Append(text.Data);
                continue;
            }

            var children = node.ChildNodes;
            for (var i = children.Length - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// <see cref="TextMetrics.Normalize"/> of <see cref="Text"/>, in one walk: the pruner and the lead finder ask it of
    /// every short block, and the text between was garbage at once. The walk's stack and builder are the thread's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string NormalizedText(IElement root)
    {
        var builder = t_normalized ??= new System.Text.StringBuilder();
        var stack = t_textStack ??= new Stack<INode>();
        builder.Clear();
        stack.Clear();
        var space = false;
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IText text)
            {
                TextMetrics.AppendNormalized(builder, text.Data, ref space);
                continue;
            }

            var children = node.ChildNodes;
            for (var i = children.Length - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }

        var normalized = builder.ToString();
        if (builder.Capacity > MaxKeptBuilder)
        {
            t_normalized = null;
        }

        return normalized;
    }

    /// <summary>Past this many characters, a thread's builder for <see cref="NormalizedText"/> is let go rather than kept.</summary>
    private const int MaxKeptBuilder = 16 * 1024;

    [ThreadStatic]
    private static System.Text.StringBuilder? t_normalized;

    [ThreadStatic]
    private static Stack<INode>? t_textStack;

    [ThreadStatic]
    private static Stack<IElement>? t_preOrderStack;

    public static void Remove(INode node) => node.Parent?.RemoveChild(node);
}
