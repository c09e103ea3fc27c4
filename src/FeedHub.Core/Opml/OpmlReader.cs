using System.Text.Json;
using System.Xml;
using FeedHub.Core.Model;
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
                    document.Problems.Add(new OpmlProblem(line, $"'{FeedAddress.Shown(feedUrl)}' is not an http or https address"));
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

                    var (feedHubSettings, problem) = ReadSettings(reader);
                    if (problem is not null)
                    {
                        document.Problems.Add(new OpmlProblem(line, $"{uri.AbsoluteUri}: {problem}"));
                    }
                    else
                    {
                        var siteUrl = Attribute(reader, "htmlUrl");
                        if (siteUrl is not null && !WebLinks.IsHttp(siteUrl))
                        {
                            document.Problems.Add(new OpmlProblem(line, $"the outline '{label}' is read without its htmlUrl '{Shorten(siteUrl)}', which is not an http or https address"));
                            siteUrl = null;
                        }

                        document.Feeds.Add(new OpmlFeed(uri.AbsoluteUri, label, siteUrl, feedHubSettings?.Categories ?? path, line, feedHubSettings));
                    }
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

    /// <summary>FeedHub's own settings of an outline (null when it has none), or what is wrong with them.</summary>
    private static (OpmlSourceSettings? Settings, string? Problem) ReadSettings(XmlReader reader)
    {
        string? Setting(string name) => reader.GetAttribute(name, OpmlSourceSettings.Namespace)?.Trim();

        string[] names = ["displayName", "categories", "state", "extraction", "extractionSelector", "minIntervalMinutes", "maxIntervalMinutes"];
        if (names.All(name => Setting(name) is null))
        {
            return (null, null);
        }

        List<string>? categories = null;
        if (Setting("categories") is { } json)
        {
            try
            {
                categories = JsonSerializer.Deserialize<List<string>>(json);
            }
            catch (JsonException)
            {
                return (null, $"{OpmlSourceSettings.Prefix}:categories is not a JSON list of names");
            }
        }

        if (!TryEnum(Setting("state"), SourceState.Active, out var state) || !TryEnum(Setting("extraction"), ExtractionMode.Auto, out var extraction))
        {
            return (null, $"{OpmlSourceSettings.Prefix}:state is active, paused or retired and {OpmlSourceSettings.Prefix}:extraction is auto, always or never");
        }

        if (!TryMinutes(Setting("minIntervalMinutes"), out var min) || !TryMinutes(Setting("maxIntervalMinutes"), out var max))
        {
            return (null, "poll intervals are whole numbers of minutes");
        }

        return (new OpmlSourceSettings
        {
            DisplayName = Setting("displayName") is { Length: > 0 } displayName ? displayName : null,
            Categories = categories?.Where(c => !string.IsNullOrWhiteSpace(c)).ToList(),
            State = state,
            Extraction = extraction,
            ExtractionSelector = Setting("extractionSelector") is { Length: > 0 } selector ? selector : null,
            MinIntervalMinutes = min,
            MaxIntervalMinutes = max,
        }, null);
    }

    private static bool TryEnum<T>(string? text, T absent, out T value) where T : struct, Enum
    {
        value = absent;
        return text is null || (Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _));
    }

    private static bool TryMinutes(string? text, out int? minutes)
    {
        minutes = null;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            minutes = value;
            return true;
        }

        return false;
    }

    private static string? Attribute(XmlReader reader, string name)
    {
        var value = reader.GetAttribute(name)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
