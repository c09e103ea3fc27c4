using System.Text;

namespace FeedHub.Core.Parser;

/// <summary>
/// Rewrites markup whose element structure is broken into well-formed XML, keeping every piece of text: an end tag
/// that matches nothing closes the innermost element when that one holds only text (a mistyped end tag) and is
/// dropped otherwise, elements left open are closed where their parent closes, attributes are quoted
/// and de-duplicated, and a '&lt;' that starts no tag becomes text. Used only after a strict read has failed in the
/// middle of a document (unescaped HTML in a description, a stray '&lt;', a mistyped end tag), so that the items
/// after the fault are read too. Entities must already have been repaired.
/// </summary>
internal static class XmlTagBalancer
{
    public static string Balance(string text, ParseBudget budget)
    {
        var output = new StringBuilder(text.Length + 256);
        var open = new OpenElements();
        var rootClosed = false;
        var at = 0;
        while (at < text.Length && !rootClosed)
        {
            budget.Tick(16);
            var lessThan = text.IndexOf('<', at);
            if (lessThan < 0)
            {
                output.Append(text, at, text.Length - at);
                break;
            }

            output.Append(text, at, lessThan - at);
            at = lessThan;
            if (StartsWith(text, at, "<!--"))
            {
                at = CopyThrough(text, at, "-->", output);
            }
            else if (StartsWith(text, at, "<![CDATA["))
            {
                at = CopyThrough(text, at, "]]>", output);
            }
            else if (StartsWith(text, at, "<?"))
            {
                at = CopyThrough(text, at, "?>", output);
            }
            else if (StartsWith(text, at, "<!"))
            {
                // '[' counts only inside this declaration: searching the whole rest of the text for it would make
                // a run of declarations quadratic.
                var close = text.IndexOf('>', at);
                var subset = text.IndexOf('[', at, (close < 0 ? text.Length : close) - at);
                at = subset >= 0 && close >= 0 ? CopyThrough(text, at, "]>", output) : CopyThrough(text, at, ">", output);
            }
            else if (at + 1 < text.Length && text[at + 1] == '/')
            {
                at = CloseElement(text, at, open, output);
                rootClosed = open.Count == 0;
            }
            else if (at + 1 < text.Length && IsNameStart(text[at + 1]))
            {
                at = StartElement(text, at, open, output, budget);
            }
            else
            {
                output.Append("&lt;");
                at++;
            }
        }

        for (var index = open.Count - 1; index >= 0; index--)
        {
            output.Append("</").Append(open[index].Name).Append('>');
        }

        return output.ToString();
    }

    /// <summary>
    /// The elements open so far, innermost last, with a count per name: an end tag that matches none of them (end tags
    /// repeated after sixty thousand unclosed &lt;div&gt;s) is known as such at once, instead of by a walk down the
    /// whole stack, which made such documents quadratic.
    /// </summary>
    private sealed class OpenElements
    {
        private readonly List<OpenElement> elements = [];
        private readonly Dictionary<string, int> counts = new(StringComparer.OrdinalIgnoreCase);

        public int Count => elements.Count;

        public OpenElement this[int index] => elements[index];

        public void Add(OpenElement element)
        {
            elements.Add(element);
            counts[element.Name] = counts.GetValueOrDefault(element.Name) + 1;
        }

        /// <summary>The innermost open element of this name, or -1.</summary>
        public int LastIndexOf(string name)
            => counts.GetValueOrDefault(name) == 0 ? -1 : elements.FindLastIndex(candidate => candidate.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

        /// <summary>Closes the element at <paramref name="index"/> and everything inside it.</summary>
        public void RemoveFrom(int index)
        {
            for (var i = index; i < elements.Count; i++)
            {
                counts[elements[i].Name]--;
            }

            elements.RemoveRange(index, elements.Count - index);
        }
    }

    private sealed class OpenElement(string name)
    {
        public string Name { get; } = name;

        public bool HasChildren { get; set; }
    }

    private static int CloseElement(string text, int at, OpenElements open, StringBuilder output)
    {
        var nameStart = at + 2;
        var nameEnd = nameStart;
        while (nameEnd < text.Length && IsNameChar(text[nameEnd]))
        {
            nameEnd++;
        }

        var close = text.IndexOf('>', nameEnd);
        var next = close < 0 ? text.Length : close + 1;
        var name = text[nameStart..nameEnd];
        var match = open.LastIndexOf(name);
        if (match < 0 && open.Count > 1 && !open[^1].HasChildren)
        {
            match = open.Count - 1;
        }

        if (match < 0)
        {
            return next;
        }

        for (var index = open.Count - 1; index >= match; index--)
        {
            output.Append("</").Append(open[index].Name).Append('>');
        }

        open.RemoveFrom(match);
        return next;
    }

    private static int StartElement(string text, int at, OpenElements open, StringBuilder output, ParseBudget budget)
    {
        var position = at + 1;
        var nameEnd = position;
        while (nameEnd < text.Length && IsNameChar(text[nameEnd]))
        {
            nameEnd++;
        }

        var name = text[position..nameEnd];
        if (open.Count > 0)
        {
            open[^1].HasChildren = true;
        }

        output.Append('<').Append(name);
        position = nameEnd;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var selfClosing = false;
        while (position < text.Length)
        {
            budget.Tick();
            var c = text[position];
            if (c == '>')
            {
                position++;
                break;
            }

            if (c == '<')
            {
                break;
            }

            if (c == '/' && position + 1 < text.Length && text[position + 1] == '>')
            {
                selfClosing = true;
                position += 2;
                break;
            }

            if (!IsNameStart(c))
            {
                position++;
                continue;
            }

            var attributeStart = position;
            while (position < text.Length && IsNameChar(text[position]))
            {
                position++;
            }

            var attribute = text[attributeStart..position];
            position = SkipWhitespace(text, position);
            string value;
            if (position < text.Length && text[position] == '=')
            {
                position = SkipWhitespace(text, position + 1);
                (value, position) = ReadAttributeValue(text, position);
            }
            else
            {
                value = attribute;
            }

            if (seen.Add(attribute))
            {
                output.Append(' ').Append(attribute).Append("=\"").Append(value.Replace("<", "&lt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)).Append('"');
            }
        }

        if (selfClosing)
        {
            output.Append(" />");
        }
        else
        {
            output.Append('>');
            open.Add(new OpenElement(name));
        }

        return position;
    }

    private static (string Value, int Next) ReadAttributeValue(string text, int position)
    {
        if (position < text.Length && text[position] is '"' or '\'')
        {
            var quote = text[position];
            var close = text.IndexOf(quote, position + 1);
            // The end of the tag is looked for only up to the closing quote (searching the whole rest of the text
            // would make a tag with many attributes quadratic).
            var tagEnd = close < 0 ? text.IndexOf('>', position + 1) : text.IndexOf('>', position + 1, close - position - 1);
            if (close < 0 || (tagEnd >= 0 && text.IndexOf('<', position + 1, close - position - 1) >= 0))
            {
                // An unclosed quote: the value runs to the end of the tag.
                var end = tagEnd < 0 ? text.Length : tagEnd;
                return (text[(position + 1)..end], end);
            }

            return (text[(position + 1)..close], close + 1);
        }

        var start = position;
        while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] != '>'
            && !(text[position] == '/' && position + 1 < text.Length && text[position + 1] == '>'))
        {
            position++;
        }

        return (text[start..position], position);
    }

    private static int CopyThrough(string text, int at, string terminator, StringBuilder output)
    {
        var end = text.IndexOf(terminator, at + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            output.Append(text, at, text.Length - at).Append(terminator);
            return text.Length;
        }

        end += terminator.Length;
        output.Append(text, at, end - at);
        return end;
    }

    private static int SkipWhitespace(string text, int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }

        return position;
    }

    private static bool StartsWith(string text, int at, string value) => string.CompareOrdinal(text, at, value, 0, value.Length) == 0;

    private static bool IsNameStart(char c) => char.IsLetter(c) || c is '_' or ':';

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or ':' or '-' or '.';
}
