using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedHub.Core.Parser;

namespace FeedHub.Cli;

/// <summary>The neutral feed schema of design.md §2, written straight from a <see cref="FeedDocument"/>.</summary>
public static class NeutralFeedJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(FeedDocument document)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("format", document.Format?.ToString().ToLowerInvariant());
            json.WriteString("title", document.Title);
            json.WriteString("link", document.Link);
            json.WriteString("subtitle", document.Subtitle);
            json.WriteStartArray("items");
            foreach (var item in document.Items)
            {
                json.WriteStartObject();
                json.WriteString("id", item.Id);
                json.WriteString("title", item.Title);
                json.WriteString("link", item.Link);
                json.WriteString("published", Iso(item.Published));
                json.WriteString("updated", Iso(item.Updated));
                json.WriteString("author", item.Author);
                json.WriteString("summary", item.Summary);
                json.WriteString("content", item.Content);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("error", document.Error);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string? Iso(DateTimeOffset? date)
        => date?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
}
