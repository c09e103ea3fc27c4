using System.Text;
using System.Xml;

namespace FeedHub.Core.Parser;

/// <summary>Reads element content off an <see cref="XmlReader"/> the way feeds use it: text, or embedded markup.</summary>
internal static class XmlContent
{
    /// <summary>
    /// Reads the content of the element the reader is on and leaves the reader after its end tag. Returns the text
    /// when the element holds only text; when it holds child elements (unescaped HTML, XHTML), returns their markup.
    /// </summary>
    public static string Read(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return string.Empty;
        }

        var depth = reader.Depth;
        reader.Read();
        return ReadChildren(reader, depth);
    }

    /// <summary>
    /// Reads XHTML content (Atom type="xhtml"): the markup inside the wrapping div, leaving the reader after the
    /// end tag of the element it is on.
    /// </summary>
    public static string ReadXhtml(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return string.Empty;
        }

        var depth = reader.Depth;
        reader.Read();
        while (reader.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
        {
            reader.Read();
        }

        if (reader.Depth > depth && reader.NodeType == XmlNodeType.Element && reader.LocalName == "div")
        {
            var inner = Read(reader);
            return inner + ReadChildren(reader, depth).TrimEnd();
        }

        return ReadChildren(reader, depth);
    }

    /// <summary>Reads from the current node to the end tag of the element at <paramref name="depth"/>, and past it.</summary>
    private static string ReadChildren(XmlReader reader, int depth)
    {
        string? onlyText = null;
        StringBuilder? builder = null;
        var isMarkup = false;
        while (reader.Depth > depth)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    if (isMarkup)
                    {
                        AppendEscaped(builder!, reader.Value);
                    }
                    else if (onlyText is null && builder is null)
                    {
                        onlyText = reader.Value;
                    }
                    else
                    {
                        builder ??= new StringBuilder(onlyText);
                        onlyText = null;
                        builder.Append(reader.Value);
                    }

                    reader.Read();
                    break;
                case XmlNodeType.Element:
                    if (!isMarkup)
                    {
                        var textSoFar = onlyText ?? builder?.ToString() ?? string.Empty;
                        builder = new StringBuilder(textSoFar.Length + 256);
                        AppendEscaped(builder, textSoFar);
                        onlyText = null;
                        isMarkup = true;
                    }

                    AppendElement(reader, builder!);
                    break;
                default:
                    reader.Read();
                    break;
            }
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }

        return onlyText ?? builder?.ToString() ?? string.Empty;
    }

    /// <summary>
    /// Appends the element the reader is on, with everything inside it, as markup, and leaves the reader after its end
    /// tag. Iterative, with the open elements on a stack of its own: markup nested a million deep must not overflow the
    /// thread's stack.
    /// </summary>
    private static void AppendElement(XmlReader reader, StringBuilder builder)
    {
        var open = new Stack<string>();
        do
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var name = reader.Prefix.Length == 0 || reader.NamespaceURI == "http://www.w3.org/1999/xhtml" ? reader.LocalName : reader.Name;
                    AppendStartTag(reader, builder, name);
                    if (!reader.IsEmptyElement)
                    {
                        open.Push(name);
                    }

                    break;
                case XmlNodeType.EndElement:
                    builder.Append("</").Append(open.Pop()).Append('>');
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    AppendEscaped(builder, reader.Value);
                    break;
            }

            if (!reader.Read())
            {
                return;
            }
        }
        while (open.Count > 0);
    }

    private static void AppendStartTag(XmlReader reader, StringBuilder builder, string name)
    {
        builder.Append('<').Append(name);
        var empty = reader.IsEmptyElement;
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.Prefix == "xmlns" || reader.Name == "xmlns")
                {
                    continue;
                }

                builder.Append(' ').Append(reader.Name).Append("=\"");
                AppendEscaped(builder, reader.Value, inAttribute: true);
                builder.Append('"');
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        builder.Append(empty ? " />" : ">");
    }

    private static void AppendEscaped(StringBuilder builder, string text, bool inAttribute = false)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var replacement = text[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' when inAttribute => "&quot;",
                _ => null,
            };
            if (replacement is null)
            {
                continue;
            }

            builder.Append(text, start, i - start).Append(replacement);
            start = i + 1;
        }

        builder.Append(text, start, text.Length - start);
    }
}
