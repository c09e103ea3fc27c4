using System.Buffers;
using System.Net;
using System.Text;

namespace FeedHub.Core.Parser;

/// <summary>The decoded text made readable by a strict XML reader, and what had to change.</summary>
/// <param name="Text">The text to hand to the XML reader.</param>
/// <param name="Problems">What was wrong, for the feed's Error; empty when nothing was.</param>
/// <param name="Refusal">Non-null when the document must not be read at all (entity bombs, external entities).</param>
internal sealed record RepairedXml(string Text, IReadOnlyList<string> Problems, string? Refusal);

/// <summary>
/// One pass over decoded feed text that fixes what real feeds get wrong below the level of elements:
/// junk before the prolog, HTML named entities, entities declared in an internal DTD (expanded here, so the XML reader
/// never processes a DTD), bare ampersands, character references without a semicolon, control characters, and
/// windows-1252 characters smuggled in as C1 controls. CDATA sections and comments are left alone.
/// </summary>
internal static class XmlTextRepair
{
    private static readonly SearchValues<char> Specials = SearchValues.Create(
        "&\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\u0080\u0081\u0082\u0083\u0084\u0085\u0086\u0087\u0088\u0089\u008A\u008B\u008C\u008D\u008E\u008F\u0090\u0091\u0092\u0093\u0094\u0095\u0096\u0097\u0098\u0099\u009A\u009B\u009C\u009D\u009E\u009F\uFFFE\uFFFF");

    private static readonly SearchValues<char> Controls = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\uFFFE\uFFFF");

    /// <summary>What windows-1252 means by the bytes 0x80–0x9F, which arrive as the C1 controls U+0080–U+009F.</summary>
    private static readonly string Windows1252HighControls =
        Charsets.CharsetDetector.FromLabel("windows-1252")!.GetString(Enumerable.Range(0x80, 32).Select(value => (byte)value).ToArray());

    private const int MaxEntityNameLength = 32;

    public static RepairedXml Repair(string text, ParseBudget budget)
    {
        var problems = new List<string>();
        var start = SkipToProlog(text, problems);
        var entities = ReadInternalEntities(text, start, out var refusal, out var declaresHtmlEntities);
        if (refusal is not null)
        {
            return new RepairedXml(text, problems, refusal);
        }

        StringBuilder? output = null;
        var copiedUpTo = start;
        var position = start;
        var nextCdata = NotSearched;
        var nextSkippable = NextSkippable(text, start, ref nextCdata);
        var nextSkippableEnd = -1;
        bool sawHtmlEntity = false, sawBareAmpersand = false, sawControl = false, sawMalformedReference = false;

        // Where the next special character is, once found: a run of comments before it must not make every one of
        // them search the text up to it again.
        var at = -1;
        while (true)
        {
            budget.Tick(16);
            if (at < position)
            {
                var found = text.AsSpan(position).IndexOfAny(Specials);
                if (found < 0)
                {
                    break;
                }

                at = position + found;
            }

            if (nextSkippable >= 0 && nextSkippable < at)
            {
                if (nextSkippableEnd < 0)
                {
                    nextSkippableEnd = EndOfSkippable(text, nextSkippable);
                }

                var end = nextSkippableEnd;
                var scanFrom = Math.Max(position, nextSkippable);
                var controlInside = text.AsSpan(scanFrom, end - scanFrom).IndexOfAny(Controls);
                if (controlInside >= 0)
                {
                    // Control characters are illegal even in CDATA; remove them one by one.
                    var control = scanFrom + controlInside;
                    Replace(ref output, text, ref copiedUpTo, control, 1, string.Empty);
                    sawControl = true;
                    position = control + 1;
                    continue;
                }

                position = end;
                nextSkippable = NextSkippable(text, end, ref nextCdata);
                nextSkippableEnd = -1;
                continue;
            }

            var c = text[at];
            if (c != '&')
            {
                if (c is >= '\u0080' and <= '\u009F')
                {
                    Replace(ref output, text, ref copiedUpTo, at, 1, Windows1252HighControls.Substring(c - 0x80, 1));
                }
                else
                {
                    Replace(ref output, text, ref copiedUpTo, at, 1, string.Empty);
                    sawControl = true;
                }

                position = at + 1;
                continue;
            }

            position = RepairReference(text, at, entities, declaresHtmlEntities, ref output, ref copiedUpTo,
                ref sawHtmlEntity, ref sawBareAmpersand, ref sawControl, ref sawMalformedReference);
        }

        if (sawHtmlEntity)
        {
            problems.Add("HTML entities that XML does not define");
        }

        if (sawBareAmpersand)
        {
            problems.Add("unescaped '&'");
        }

        if (sawMalformedReference)
        {
            problems.Add("malformed character references");
        }

        if (sawControl)
        {
            problems.Add("control characters");
        }

        string repaired;
        if (output is null)
        {
            repaired = start == 0 ? text : text[start..];
        }
        else
        {
            output.Append(text, copiedUpTo, text.Length - copiedUpTo);
            repaired = output.ToString();
        }

        return new RepairedXml(repaired, problems, null);
    }

    /// <summary>The text with C1 controls read as the windows-1252 characters they were meant to be.</summary>
    public static string MapWindows1252Controls(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\u0080', '\u009F') < 0)
        {
            return text;
        }

        return string.Create(text.Length, text, static (mapped, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                mapped[i] = c is >= '\u0080' and <= '\u009F' ? Windows1252HighControls[c - 0x80] : c;
            }
        });
    }

    /// <summary>Handles the '&amp;' at <paramref name="at"/>; returns where scanning continues.</summary>
    private static int RepairReference(string text, int at, Dictionary<string, string>? entities, bool declaresHtmlEntities,
        ref StringBuilder? output, ref int copiedUpTo, ref bool sawHtmlEntity, ref bool sawBareAmpersand, ref bool sawControl,
        ref bool sawMalformedReference)
    {
        var next = at + 1;
        if (next < text.Length && text[next] == '#')
        {
            var hex = next + 1 < text.Length && (text[next + 1] == 'x' || text[next + 1] == 'X');
            var digitsStart = next + (hex ? 2 : 1);
            var digitsEnd = digitsStart;
            while (digitsEnd < text.Length && digitsEnd - digitsStart < 8 && (hex ? char.IsAsciiHexDigit(text[digitsEnd]) : char.IsAsciiDigit(text[digitsEnd])))
            {
                digitsEnd++;
            }

            if (digitsEnd > digitsStart)
            {
                var terminated = digitsEnd < text.Length && text[digitsEnd] == ';';
                var value = Convert.ToInt32(text[digitsStart..digitsEnd], hex ? 16 : 10);
                var end = terminated ? digitsEnd + 1 : digitsEnd;
                if (value is >= 0x80 and <= 0x9F)
                {
                    Replace(ref output, text, ref copiedUpTo, at, end - at, Windows1252HighControls.Substring(value - 0x80, 1));
                }
                else if (!IsXmlChar(value))
                {
                    Replace(ref output, text, ref copiedUpTo, at, end - at, string.Empty);
                    sawControl = true;
                }
                else if (!terminated || text[next + 1] == 'X')
                {
                    Replace(ref output, text, ref copiedUpTo, at, end - at, (hex ? "&#x" : "&#") + text[digitsStart..digitsEnd] + ";");
                    sawMalformedReference = true;
                }

                return end;
            }
        }
        else
        {
            var nameEnd = next;
            while (nameEnd < text.Length && nameEnd - next <= MaxEntityNameLength && (char.IsAsciiLetterOrDigit(text[nameEnd]) || text[nameEnd] is '_' or '.' or '-' || (nameEnd > next && text[nameEnd] == ':')))
            {
                nameEnd++;
            }

            if (nameEnd > next && nameEnd < text.Length && text[nameEnd] == ';' && (char.IsAsciiLetter(text[next]) || text[next] == '_'))
            {
                var name = text[next..nameEnd];
                if (name is "amp" or "lt" or "gt" or "quot" or "apos")
                {
                    return nameEnd + 1;
                }

                if (entities is not null && entities.TryGetValue(name, out var declared))
                {
                    Replace(ref output, text, ref copiedUpTo, at, nameEnd + 1 - at, declared);
                    return nameEnd + 1;
                }

                var reference = text[at..(nameEnd + 1)];
                var decoded = WebUtility.HtmlDecode(reference);
                if (decoded != reference)
                {
                    Replace(ref output, text, ref copiedUpTo, at, reference.Length, decoded);
                    sawHtmlEntity |= !declaresHtmlEntities;
                    return nameEnd + 1;
                }
            }
        }

        Replace(ref output, text, ref copiedUpTo, at, 1, "&amp;");
        sawBareAmpersand = true;
        return at + 1;
    }

    private static bool IsXmlChar(int value)
        => value is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);

    private static void Replace(ref StringBuilder? output, string text, ref int copiedUpTo, int at, int length, string replacement)
    {
        output ??= new StringBuilder(text.Length + 256);
        output.Append(text, copiedUpTo, at - copiedUpTo).Append(replacement);
        copiedUpTo = at + length;
    }

    private const int NotSearched = -2;

    /// <summary>
    /// The next CDATA section or comment from <paramref name="from"/>. Comments are looked for only before the next
    /// CDATA section, and that one is remembered in <paramref name="nextCdata"/> until passed: searching it again
    /// after every comment would read the rest of the text once per comment.
    /// </summary>
    private static int NextSkippable(string text, int from, ref int nextCdata)
    {
        if (nextCdata == NotSearched || (nextCdata >= 0 && nextCdata < from))
        {
            nextCdata = text.IndexOf("<![CDATA[", from, StringComparison.Ordinal);
        }

        var comment = text.IndexOf("<!--", from, nextCdata < 0 ? text.Length - from : nextCdata - from, StringComparison.Ordinal);
        return comment >= 0 ? comment : nextCdata;
    }

    private static int EndOfSkippable(string text, int start)
    {
        var isComment = string.CompareOrdinal(text, start, "<!--", 0, 4) == 0;
        var terminator = isComment ? "-->" : "]]>";
        var end = text.IndexOf(terminator, start + 4, StringComparison.Ordinal);
        return end < 0 ? text.Length : end + terminator.Length;
    }

    /// <summary>
    /// Where the XML starts: at the XML declaration when there is one anywhere near the top (junk, whitespace or
    /// comments before it are an error), otherwise at the first markup.
    /// </summary>
    private static int SkipToProlog(string text, List<string> problems)
    {
        var start = 0;
        while (start < text.Length && text[start] == '\uFEFF')
        {
            start++;
        }

        if (string.CompareOrdinal(text, start, "<?xml", 0, 5) == 0)
        {
            return start;
        }

        var declaration = text.IndexOf("<?xml ", start, Math.Min(text.Length - start, 64 * 1024), StringComparison.Ordinal);
        if (declaration > 0)
        {
            problems.Add("content before the XML declaration");
            return declaration;
        }

        var firstMarkup = text.IndexOf('<', start);
        if (firstMarkup < 0)
        {
            return start;
        }

        if (!text.AsSpan(start, firstMarkup - start).IsWhiteSpace())
        {
            problems.Add("text before the root element");
        }

        return firstMarkup;
    }

    /// <summary>
    /// Reads the entity declarations of an internal DTD subset so they can be expanded without a DTD processor.
    /// External entities and entities defined through other entities are refused: they are how XXE and
    /// "billion laughs" attacks work, and no real feed needs them.
    /// </summary>
    private static Dictionary<string, string>? ReadInternalEntities(string text, int start, out string? refusal, out bool declaresHtmlEntities)
    {
        refusal = null;
        declaresHtmlEntities = false;
        var rootSearchEnd = Math.Min(text.Length, start + (64 * 1024));
        var doctype = text.IndexOf("<!DOCTYPE", start, rootSearchEnd - start, StringComparison.OrdinalIgnoreCase);
        if (doctype < 0)
        {
            return null;
        }

        var headerEnd = text.IndexOfAny(['[', '>'], doctype);
        if (headerEnd < 0)
        {
            return null;
        }

        // The Netscape RSS 0.91 DTD declares the HTML latin-1 entities, so feeds that cite it may use them.
        declaresHtmlEntities = text.AsSpan(doctype, headerEnd - doctype).Contains("rss-0.91", StringComparison.OrdinalIgnoreCase);
        if (text[headerEnd] != '[')
        {
            return null;
        }

        var subsetEnd = text.IndexOf("]>", headerEnd, StringComparison.Ordinal);
        var subset = text.AsSpan(headerEnd + 1, (subsetEnd < 0 ? text.Length : subsetEnd) - headerEnd - 1);
        Dictionary<string, string>? entities = null;
        while (true)
        {
            var declaration = subset.IndexOf("<!ENTITY", StringComparison.Ordinal);
            if (declaration < 0)
            {
                return entities;
            }

            subset = subset[(declaration + "<!ENTITY".Length)..].TrimStart();
            var close = subset.IndexOf('>');
            var body = close < 0 ? subset : subset[..close];
            if (body.StartsWith("%"))
            {
                refusal = "refused: the document declares parameter entities (a possible entity-expansion attack)";
                return null;
            }

            var nameEnd = body.IndexOfAny(" \t\r\n");
            if (nameEnd < 0)
            {
                return entities;
            }

            var name = body[..nameEnd].ToString();
            var definition = body[nameEnd..].Trim();
            if (definition.StartsWith("SYSTEM") || definition.StartsWith("PUBLIC"))
            {
                refusal = $"refused: the document declares an external entity '{name}' (possible XXE: it could read local files or the network)";
                return null;
            }

            if (definition.Length < 2 || (definition[0] != '"' && definition[0] != '\''))
            {
                return entities;
            }

            var quote = definition[0];
            var valueEnd = definition[1..].IndexOf(quote);
            var value = (valueEnd < 0 ? definition[1..] : definition[1..(valueEnd + 1)]).ToString();
            if (ReferencesNamedEntity(value))
            {
                refusal = $"refused: entity '{name}' expands other entities (a \"billion laughs\" entity-expansion attack)";
                return null;
            }

            entities ??= new Dictionary<string, string>(StringComparer.Ordinal);
            entities[name] = value;
            subset = close < 0 ? [] : subset[(close + 1)..];
        }
    }

    private static bool ReferencesNamedEntity(string value)
    {
        for (var at = value.IndexOf('&'); at >= 0; at = value.IndexOf('&', at + 1))
        {
            if (at + 1 < value.Length && value[at + 1] != '#')
            {
                return true;
            }
        }

        return false;
    }
}
