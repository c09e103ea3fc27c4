using System.Text.Json;
using FeedHub.Core.Charsets;
using FeedHub.Core.Dates;

namespace FeedHub.Core.Parser;

/// <summary>
/// Reads JSON Feed 1.0 and 1.1. Values of the wrong type are ignored, as the spec asks of readers; only JSON that
/// cannot be read at all is an error. JSON escapes any character (<c>\u0000</c>): what XML cannot carry is dropped, as
/// from XML feeds, so the same text is stored whatever the format.
/// </summary>
internal static class JsonFeedParser
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    /// <param name="utf8">The document as UTF-8, without a byte order mark.</param>
    public static void Parse(ReadOnlyMemory<byte> utf8, FeedDocument document, Uri? location, ParseBudget budget)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException exception)
        {
            document.Error = $"invalid JSON: {exception.Message}";
            return;
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                document.Error = "not a feed: JSON that is not a JSON Feed object";
                return;
            }

            var version = String(root, "version");
            var items = Property(root, "items");
            if (version?.Contains("jsonfeed.org", StringComparison.OrdinalIgnoreCase) != true && items?.ValueKind != JsonValueKind.Array)
            {
                document.Error = "not a feed: JSON without a JSON Feed version or items";
                return;
            }

            document.Format = FeedFormat.Json;
            document.Title = String(root, "title");
            var homePage = Links.Resolve(String(root, "home_page_url"), location);
            document.Link = homePage;
            document.Subtitle = String(root, "description");
            document.Language = String(root, "language");
            document.ImageUrl = Links.Resolve(String(root, "icon") ?? String(root, "favicon"), location);
            document.AddWebSubLink("self", Links.Resolve(String(root, "feed_url"), location));
            if (Property(root, "hubs") is { ValueKind: JsonValueKind.Array } hubs)
            {
                foreach (var hub in hubs.EnumerateArray().Where(h => h.ValueKind == JsonValueKind.Object).Take(FeedDocument.MaxHubs))
                {
                    document.AddWebSubLink("hub", Links.Resolve(String(hub, "url"), location));
                }
            }
            var feedAuthor = Author(root);
            var baseUri = homePage is not null && Uri.TryCreate(homePage, UriKind.Absolute, out var home) ? home : location;
            if (items?.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var element in items.Value.EnumerateArray())
            {
                budget.Tick(64);
                if (element.ValueKind == JsonValueKind.Object)
                {
                    document.Add(ReadItem(element, feedAuthor, baseUri));
                }
            }
        }
    }

    private static FeedItem ReadItem(JsonElement element, string? feedAuthor, Uri? baseUri)
    {
        var item = new FeedItem
        {
            Id = String(element, "id"),
            Title = String(element, "title"),
            Link = Links.Resolve(String(element, "url") ?? String(element, "external_url"), baseUri),
            Published = FeedDateParser.Parse(String(element, "date_published")),
            Updated = FeedDateParser.Parse(String(element, "date_modified")),
            // Feed authors stand for the items' only when an item names none of its own.
            Author = HasAuthors(element) ? Author(element) : feedAuthor,
            Summary = String(element, "summary"),
            Content = String(element, "content_html") ?? String(element, "content_text"),
            ImageUrl = Links.Resolve(String(element, "image") ?? String(element, "banner_image"), baseUri),
            Language = String(element, "language"),
        };
        if (Property(element, "attachments") is { ValueKind: JsonValueKind.Array } attachments)
        {
            foreach (var attachment in attachments.EnumerateArray())
            {
                if (attachment.ValueKind == JsonValueKind.Object)
                {
                    Media.AddEnclosure(item, String(attachment, "url"), baseUri, String(attachment, "mime_type"), String(attachment, "size_in_bytes"),
                        String(attachment, "duration_in_seconds"));
                }
            }
        }

        if (Property(element, "tags") is { ValueKind: JsonValueKind.Array } tags)
        {
            foreach (var tag in tags.EnumerateArray())
            {
                if (tag.ValueKind == JsonValueKind.String && Text(tag) is { } category)
                {
                    item.Categories.Add(category);
                }
            }
        }

        return item;
    }

    /// <summary>The first author's name (1.1 "authors", 1.0 "author").</summary>
    private static string? Author(JsonElement element)
    {
        if (Property(element, "authors") is { ValueKind: JsonValueKind.Array } authors)
        {
            foreach (var author in authors.EnumerateArray())
            {
                if (author.ValueKind == JsonValueKind.Object && String(author, "name") is { } name)
                {
                    return name;
                }
            }
        }

        return Property(element, "author") is { ValueKind: JsonValueKind.Object } single ? String(single, "name") : null;
    }

    private static bool HasAuthors(JsonElement element) => Property(element, "authors") is not null || Property(element, "author") is not null;

    private static JsonElement? Property(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) ? value : null;

    /// <summary>A string property; numbers are accepted as their text (ids are often numbers), anything else is null.</summary>
    private static string? String(JsonElement element, string name) => Property(element, name) is { } value ? Text(value) : null;

    private static string? Text(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => XmlCharacters.Clean(value.GetString()!),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }
}
