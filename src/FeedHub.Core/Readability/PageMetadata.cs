using System.Globalization;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// What the page says about itself in its head: Open Graph and other meta tags, schema.org JSON-LD, <c>&lt;html lang&gt;</c>.
/// Read before the page is cleaned, since cleaning removes the scripts that carry JSON-LD.
/// </summary>
internal sealed class PageMetadata
{
    public string? Title { get; private set; }
    public string? Byline { get; private set; }
    public DateTimeOffset? Published { get; private set; }
    public string? LeadImage { get; private set; }
    public string? SiteName { get; private set; }
    public string? DeclaredLanguage { get; private set; }

    /// <summary>schema.org <c>articleBody</c> when the page publishes it.</summary>
    public string? StructuredBody { get; private set; }

    private static readonly HashSet<string> ArticleTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "TechArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "LiveBlogPosting", "SocialMediaPosting",
        "BackgroundNewsArticle", "Review", "WebPage", "MedicalWebPage", "Recipe", "HowTo",
    };

    /// <summary>The page's own <c>&lt;base href&gt;</c>, to be judged before it is trusted.</summary>
    public string? BaseHref { get; private set; }

    private bool _structuredArticleFound;

    /// <summary>Reads everything in one walk over the page (selector queries would walk it once each).</summary>
    public static PageMetadata Read(IHtmlDocument document)
    {
        var metadata = new PageMetadata();
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        IElement? firstTime = null;
        IElement? bylineElement = null;
        foreach (var element in Dom.PreOrder(document.DocumentElement))
        {
            switch (element.LocalName)
            {
                case "meta":
                    AddMetaValue(meta, element);
                    break;
                case "script" when !metadata._structuredArticleFound
                    && string.Equals(element.GetAttribute("type"), "application/ld+json", StringComparison.OrdinalIgnoreCase):
                    metadata.ReadStructuredData(element.TextContent);
                    break;
                case "time" when firstTime is null && element.HasAttribute("datetime"):
                    firstTime = element;
                    break;
                case "base" when metadata.BaseHref is null:
                    metadata.BaseHref = element.GetAttribute("href");
                    break;
            }

            if (bylineElement is null && IsBylineElement(element))
            {
                bylineElement = element;
            }
        }

        metadata.Title = First(meta, "og:title", "twitter:title", "dc.title", "title") ?? metadata.Title ?? DocumentTitle(document);
        metadata.Byline = metadata.Byline
            ?? First(meta, "author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")
            ?? VisibleByline(bylineElement);
        if (metadata.Byline is { } byline && Uri.IsWellFormedUriString(byline, UriKind.Absolute))
        {
            metadata.Byline = null;
        }

        metadata.Published = ParseDate(First(meta, "article:published_time", "og:published_time", "datepublished",
                "publishdate", "pubdate", "date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date",
                "parsely-pub-date", "cxenseparse:recs:publishtime"))
            ?? metadata.Published
            ?? ParseDate(firstTime?.GetAttribute("datetime"));
        metadata.LeadImage = First(meta, "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
            ?? metadata.LeadImage;
        metadata.SiteName = First(meta, "og:site_name", "application-name") ?? metadata.SiteName;
        metadata.DeclaredLanguage = Clean(document.DocumentElement.GetAttribute("lang"))
            ?? Clean(document.DocumentElement.GetAttribute("xml:lang"))
            ?? First(meta, "og:locale", "content-language", "dc.language", "language")?.Replace('_', '-');
        return metadata;
    }

    private static void AddMetaValue(Dictionary<string, string> values, IElement meta)
    {
        var content = Clean(meta.GetAttribute("content"));
        if (content is null)
        {
            return;
        }

        // property may hold several space-separated names ("og:title twitter:title").
        var names = (meta.GetAttribute("property") ?? meta.GetAttribute("name") ?? meta.GetAttribute("itemprop")
            ?? meta.GetAttribute("http-equiv") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
        {
            values.TryAdd(name, content);
        }
    }

    private static bool IsBylineElement(IElement element)
    {
        if (element.GetAttribute("rel") == "author"
            || element.GetAttribute("itemprop") is { } itemprop && itemprop.Contains("author", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (element.GetAttribute("class") is not { } className)
        {
            return false;
        }

        // Every element of the page is asked: its class is looked through, not split into strings.
        foreach (var token in className.AsSpan().Split(' '))
        {
            if (className.AsSpan(token) is "byline" or "author")
            {
                return true;
            }
        }

        return false;
    }

    private static string? First(Dictionary<string, string> meta, params string[] names)
    {
        foreach (var name in names)
        {
            if (meta.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static string? DocumentTitle(IHtmlDocument document) =>
        Clean(document.Title) ?? Clean(document.QuerySelector("h1")?.TextContent);

    private static string? VisibleByline(IElement? element)
    {
        var text = element is null ? null : Clean(Dom.Text(element));
        return text is { Length: <= 100 } ? text : null;
    }

    private void ReadStructuredData(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
            foreach (var item in Items(document.RootElement))
            {
                if (IsArticle(item))
                {
                    ReadArticle(item);
                    _structuredArticleFound = true;
                    return;
                }
            }
        }
        catch (JsonException)
        {
            // Broken JSON-LD is common; the meta tags still count.
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement root)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var element = pending.Pop();
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var child in element.EnumerateArray().Reverse())
                {
                    pending.Push(child);
                }
            }
            else if (element.ValueKind == JsonValueKind.Object)
            {
                yield return element;
                if (element.TryGetProperty("@graph", out var graph))
                {
                    pending.Push(graph);
                }
            }
        }
    }

    private static bool IsArticle(JsonElement item)
    {
        if (!item.TryGetProperty("@type", out var type))
        {
            return false;
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => ArticleTypes.Contains(type.GetString()!),
            JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && ArticleTypes.Contains(t.GetString()!)),
            _ => false,
        };
    }

    private void ReadArticle(JsonElement article)
    {
        Title = Clean(StringOf(article, "headline")) ?? Clean(StringOf(article, "name"));
        StructuredBody = Clean(StringOf(article, "articleBody"));
        Published = ParseDate(StringOf(article, "datePublished"));
        if (article.TryGetProperty("author", out var author))
        {
            var names = (author.ValueKind == JsonValueKind.Array ? author.EnumerateArray().ToList() : [author])
                .Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() : StringOf(a, "name"))
                .Select(Clean)
                .OfType<string>()
                .ToList();
            Byline = names.Count > 0 ? string.Join(", ", names) : null;
        }

        if (article.TryGetProperty("image", out var image))
        {
            var first = image.ValueKind == JsonValueKind.Array && image.GetArrayLength() > 0 ? image[0] : image;
            LeadImage = first.ValueKind == JsonValueKind.String ? first.GetString() : StringOf(first, "url");
        }

        if (article.TryGetProperty("publisher", out var publisher))
        {
            SiteName = Clean(StringOf(publisher, "name"));
        }
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static DateTimeOffset? ParseDate(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var date)
            ? date
            : null;

    private static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return System.Net.WebUtility.HtmlDecode(string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
    }
}
