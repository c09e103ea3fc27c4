using System.Xml;
using FeedHub.Core.Charsets;

namespace FeedHub.Core.Publishing;

/// <summary>
/// An <see cref="XmlWriter"/> that leaves out of what it writes the characters XML 1.0 cannot carry: the C0 controls
/// but tab and line breaks, U+FFFE, U+FFFF and unpaired surrogates. Stored text can hold them (a JSON feed escapes them
/// as <c>\u001d</c>, an HTML page carries them as they are) and <see cref="XmlWriter"/> refuses them, so one such
/// article or source name made every Atom, RSS and OPML document showing it fail. The feed parsers drop them from what
/// they read; text stored before, or from elsewhere, can still hold them.
/// </summary>
public sealed class XmlCharacterFilter(XmlWriter inner) : XmlWriter
{
    public override WriteState WriteState => inner.WriteState;

    public override XmlWriterSettings? Settings => inner.Settings;

    public override void WriteString(string? text) => inner.WriteString(text is null ? null : XmlCharacters.Clean(text));

    public override void WriteChars(char[] buffer, int index, int count) => WriteString(new string(buffer, index, count));

    public override void WriteCData(string? text) => inner.WriteCData(text is null ? null : XmlCharacters.Clean(text));

    public override void WriteComment(string? text) => inner.WriteComment(text is null ? null : XmlCharacters.Clean(text));

    public override void WriteRaw(string data) => inner.WriteRaw(XmlCharacters.Clean(data));

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
