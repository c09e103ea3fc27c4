using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// Plain text of an article: one block (paragraph, heading, list item, quote, table row, pre) per paragraph,
/// separated by a blank line, so the words of neighbouring blocks never run together.
/// </summary>
internal static class BlockText
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Render(IElement root)
    {
        var output = new StringBuilder();
        var block = new StringBuilder();
        var preDepth = 0;
        var stack = new Stack<(INode Node, bool Leaving)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (node, leaving) = stack.Pop();
            if (node is IText text)
            {
                AppendText(block, text.Data, preDepth > 0);
                continue;
            }

            if (node is not IElement element)
            {
                continue;
            }

            var name = element.LocalName;
            if (leaving)
            {
                if (name == "pre")
                {
                    Flush(output, block, preserveLines: true);
                    preDepth--;
                }
                else
                {
                    Flush(output, block, preserveLines: preDepth > 0);
                }

                continue;
            }

            switch (name)
            {
                case "br":
                    block.Append('\n');
                    continue;
                case "td" or "th":
                    block.Append(' ');
                    break;
                case "pre":
                    Flush(output, block, preserveLines: false);
                    preDepth++;
                    stack.Push((element, true));
                    break;
                default:
                    if (Dom.IsBlock(name) && name is not ("td" or "th"))
                    {
                        Flush(output, block, preserveLines: preDepth > 0);
                        stack.Push((element, true));
                    }

                    break;
            }

            var children = element.ChildNodes;
            for (var i = children.Length - 1; i >= 0; i--)
            {
                stack.Push((children[i], false));
            }
        }

        Flush(output, block, preserveLines: preDepth > 0);
        return output.ToString();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendText(StringBuilder block, string data, bool preserve)
    {
        if (preserve)
        {
            block.Append(data);
            return;
        }

        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c))
            {
                if (block.Length > 0 && block[^1] is not (' ' or '\n'))
                {
                    block.Append(' ');
                }
            }
            else
            {
                block.Append(c);
            }
        }
    }

    /// <summary>
    /// Ends the block: its lines, trimmed, go to the output. They are read from a pooled copy of the block: a string and
    /// an array of lines per block were garbage as soon as they were read.
    /// </summary>
    private static void Flush(StringBuilder output, StringBuilder block, bool preserveLines)
    {
        if (block.Length == 0)
        {
            return;
        }

        var buffer = ArrayPool<char>.Shared.Rent(block.Length);
        var rest = buffer.AsSpan(0, block.Length);
        block.CopyTo(0, rest, block.Length);
        block.Clear();
        var first = true;
        while (true)
        {
            var end = rest.IndexOf('\n');
            var raw = end < 0 ? rest : rest[..end];
            var line = preserveLines ? raw.TrimEnd() : raw.Trim();
            if (line.Length > 0 || preserveLines)
            {
                if (first)
                {
                    if (output.Length > 0)
                    {
                        output.Append("\n\n");
                    }

                    first = false;
                }
                else
                {
                    output.Append('\n');
                }

                output.Append(line);
            }

            if (end < 0)
            {
                break;
            }

            rest = rest[(end + 1)..];
        }

        ArrayPool<char>.Shared.Return(buffer);

        // A pre block may end in blank lines; they are not part of the text.
        while (output.Length > 0 && output[^1] == '\n')
        {
            output.Length--;
        }
    }
}
