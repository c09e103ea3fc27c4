using System.Text;
using System.Text.Json;
using System.Xml;
using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Opml;

/// <summary>Writes sources (their outlines: no fetch state) as OPML 2.0, one outline per category holding its feeds (a source in several categories
/// appears in its first and lists the others in the <c>category</c> attribute). FeedHub's own settings of each source
/// travel in attributes of the <see cref="OpmlSourceSettings.Namespace"/> namespace, so an import restores them.
/// The output depends only on the sources and <paramref name="now"/>.</summary>
public static class OpmlWriter
{
    public static void Write(Stream stream, string title, IEnumerable<SourceOutline> sources, DateTimeOffset now)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = false };
        using var writer = new XmlCharacterFilter(XmlWriter.Create(stream, settings));
        writer.WriteStartDocument();
        writer.WriteStartElement("opml");
        writer.WriteAttributeString("version", "2.0");
        writer.WriteAttributeString("xmlns", OpmlSourceSettings.Prefix, null, OpmlSourceSettings.Namespace);
        writer.WriteStartElement("head");
        writer.WriteElementString("title", title);
        writer.WriteElementString("dateCreated", now.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteEndElement();
        writer.WriteStartElement("body");
        foreach (var group in sources.GroupBy(s => s.Categories is [var first, ..] ? first : string.Empty).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (group.Key.Length > 0)
            {
                writer.WriteStartElement("outline");
                writer.WriteAttributeString("text", group.Key);
                writer.WriteAttributeString("title", group.Key);
            }

            foreach (var source in group.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.FeedUrl, StringComparer.Ordinal))
            {
                writer.WriteStartElement("outline");
                writer.WriteAttributeString("type", "rss");
                writer.WriteAttributeString("text", source.Name);
                writer.WriteAttributeString("title", source.Name);
                writer.WriteAttributeString("xmlUrl", source.FeedUrl);
                // Stored before links were checked, a non-http(s) home page must still not be published.
                if (WebLinks.IsHttp(source.SiteUrl))
                {
                    writer.WriteAttributeString("htmlUrl", source.SiteUrl);
                }

                if (source.Categories.Count > 1)
                {
                    writer.WriteAttributeString("category", string.Join(',', source.Categories.Skip(1)));
                }

                WriteSettings(writer, source);

                writer.WriteEndElement();
            }

            if (group.Key.Length > 0)
            {
                writer.WriteEndElement();
            }
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.WriteEndDocument();
    }

    private static void WriteSettings(XmlWriter writer, SourceOutline source)
    {
        void Setting(string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteAttributeString(OpmlSourceSettings.Prefix, name, OpmlSourceSettings.Namespace, value);
            }
        }

        Setting("displayName", source.DisplayName);
        Setting("categories", source.Categories.Count > 0 ? JsonSerializer.Serialize(source.Categories) : null);
        Setting("state", source.State == SourceState.Active ? null : source.State.ToString().ToLowerInvariant());
        Setting("extraction", source.Extraction == ExtractionMode.Auto ? null : source.Extraction.ToString().ToLowerInvariant());
        Setting("extractionSelector", source.ExtractionSelector);
        Setting("minIntervalMinutes", Minutes(source.MinInterval));
        Setting("maxIntervalMinutes", Minutes(source.MaxInterval));
    }

    private static string? Minutes(TimeSpan? interval)
        => interval is { } value ? ((long)value.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
}
