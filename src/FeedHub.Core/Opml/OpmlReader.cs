using System.Xml;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Opml;

/// <summary>
/// Reads OPML 1.0/2.0 subscription lists. Categories come from the nesting of outlines (and the <c>category</c>
/// attribute); an outline without a usable <c>xmlUrl</c> is reported with its line while the rest is read.
/// </summary>
public static class OpmlReader
{
    public static OpmlDocument Read(Stream stream)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
            MaxCharactersFromEntities = 0,
        };
        var document = new OpmlDocument();
        // The open outlines (whether each named a category), and the category names among them, outermost first:
        // a feed's path is read off the names, never by walking all open outlines, which nesting a hundred thousand
        // deep would make quadratic.
        var categories = new Stack<bool>();
        var names = new List<string>();
        using var reader = XmlReader.Create(stream, settings);
        var lineInfo = (IXmlLineInfo)reader;
        try
        {
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "outline")
                {
                    if (categories.Pop())
                    {
                        names.RemoveAt(names.Count - 1);
                    }
                    continue;
                }

                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (reader.LocalName == "title" && document.Title is null && categories.Count == 0)
                {
                    document.Title = reader.ReadElementContentAsString().Trim();
                    continue;
                }

                if (reader.LocalName != "outline")
                {
                    continue;
                }

                var line = lineInfo.LineNumber;
                var label = Attribute(reader, "title") ?? Attribute(reader, "text");
                var feedUrl = Attribute(reader, "xmlUrl") ?? Attribute(reader, "xmlurl") ?? Attribute(reader, "url");
                var isEmpty = reader.IsEmptyElement;
                if (feedUrl is null)
                {
                    if (isEmpty)
                    {
                        if (Attribute(reader, "type") is "rss" or "atom")
                        {
                            document.Problems.Add(new OpmlProblem(line, $"the outline '{label}' has no xmlUrl"));
                        }
                    }
                    else
                    {
                        var named = !string.IsNullOrEmpty(label);
                        categories.Push(named);
                        if (named)
                        {
                            names.Add(label!);
                        }
                    }

                    continue;
                }

                if (!Uri.TryCreate(feedUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    document.Problems.Add(new OpmlProblem(line, $"'{feedUrl}' is not an http or https address"));
                }
                else
                {
                    var path = names.Take(MaxCategoryDepth).ToList();
                    foreach (var extra in (Attribute(reader, "category") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var name = extra.Trim('/');
                        if (name.Length > 0 && !path.Contains(name, StringComparer.OrdinalIgnoreCase))
                        {
                            path.Add(name);
                        }
                    }

                    var siteUrl = Attribute(reader, "htmlUrl");
                    if (siteUrl is not null && !WebLinks.IsHttp(siteUrl))
                    {
                        document.Problems.Add(new OpmlProblem(line, $"the outline '{label}' is read without its htmlUrl '{Shorten(siteUrl)}', which is not an http or https address"));
                        siteUrl = null;
                    }

                    document.Feeds.Add(new OpmlFeed(uri.AbsoluteUri, label, siteUrl, path, line));
                }

                if (!isEmpty)
                {
                    categories.Push(false);
                }
            }
        }
        catch (XmlException malformed)
        {
            document.Problems.Add(new OpmlProblem(malformed.LineNumber, $"the OPML is malformed here and was read up to this line: {malformed.Message}"));
        }

        return document;
    }

    /// <summary>Categories nested deeper than this are not kept (a feed gets the outermost ones).</summary>
    private const int MaxCategoryDepth = 8;

    private static string Shorten(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 80), "…");

    private static string? Attribute(XmlReader reader, string name)
    {
        var value = reader.GetAttribute(name)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
