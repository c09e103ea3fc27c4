using System.Buffers;
using System.Text;
using System.Xml;

namespace FeedHub.Core.Publishing;

/// <summary>
/// An <see cref="XmlWriter"/> that leaves out of what it writes the characters XML 1.0 cannot carry: the C0 controls
/// but tab and line breaks, U+FFFE, U+FFFF and unpaired surrogates. Stored text can hold them (a JSON feed escapes them
/// as <c>\u001d</c>, an HTML page carries them as they are) and <see cref="XmlWriter"/> refuses them, so one such
/// article or source name made every Atom, RSS and OPML document showing it fail. Dropped, as the feed parser drops
/// them from XML it reads.
/// </summary>
public sealed class XmlCharacterFilter(XmlWriter inner) : XmlWriter
{
    /// <summary>The characters that may not be XML's (surrogates are, in pairs).</summary>
    private static readonly SearchValues<char> Suspects = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"
        + "\uFFFE\uFFFF" + string.Create(0xE000 - 0xD800, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)(0xD800 + i);
            }
        }));

    /// <summary><paramref name="text"/> without the characters XML cannot carry; the same string when it has none.</summary>
    public static string Clean(string text)
    {
        var at = 0;
        while (true)
        {
            var found = text.AsSpan(at).IndexOfAny(Suspects);
            if (found < 0)
            {
                return text;
            }

            at += found;
            if (!char.IsSurrogatePair(text, at))
            {
                break;
            }

            at += 2;
        }

        var clean = new StringBuilder(text.Length).Append(text, 0, at);
        for (var i = at; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogatePair(text, i))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    public override WriteState WriteState => inner.WriteState;

    public override XmlWriterSettings? Settings => inner.Settings;

    public override void WriteString(string? text) => inner.WriteString(text is null ? null : Clean(text));

    public override void WriteChars(char[] buffer, int index, int count) => WriteString(new string(buffer, index, count));

    public override void WriteCData(string? text) => inner.WriteCData(text is null ? null : Clean(text));

    public override void WriteComment(string? text) => inner.WriteComment(text is null ? null : Clean(text));

    public override void WriteRaw(string data) => inner.WriteRaw(Clean(data));

    public override void WriteRaw(char[] buffer, int index, int count) => WriteRaw(new string(buffer, index, count));

    public override void WriteCharEntity(char ch)
    {
        if (XmlConvert.IsXmlChar(ch))
        {
            inner.WriteCharEntity(ch);
        }
    }

    public override void WriteSurrogateCharEntity(char lowChar, char highChar) => inner.WriteSurrogateCharEntity(lowChar, highChar);

    public override void WriteStartDocument() => inner.WriteStartDocument();

    public override void WriteStartDocument(bool standalone) => inner.WriteStartDocument(standalone);

    public override void WriteEndDocument() => inner.WriteEndDocument();

    public override void WriteDocType(string name, string? pubid, string? sysid, string? subset) => inner.WriteDocType(name, pubid, sysid, subset);

    public override void WriteStartElement(string? prefix, string localName, string? ns) => inner.WriteStartElement(prefix, localName, ns);

    public override void WriteEndElement() => inner.WriteEndElement();

    public override void WriteFullEndElement() => inner.WriteFullEndElement();

    public override void WriteStartAttribute(string? prefix, string localName, string? ns) => inner.WriteStartAttribute(prefix, localName, ns);

    public override void WriteEndAttribute() => inner.WriteEndAttribute();

    public override void WriteProcessingInstruction(string name, string? text) => inner.WriteProcessingInstruction(name, text);

    public override void WriteEntityRef(string name) => inner.WriteEntityRef(name);

    public override void WriteWhitespace(string? ws) => inner.WriteWhitespace(ws);

    public override void WriteBase64(byte[] buffer, int index, int count) => inner.WriteBase64(buffer, index, count);

    public override void Flush() => inner.Flush();

    public override string? LookupPrefix(string ns) => inner.LookupPrefix(ns);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
