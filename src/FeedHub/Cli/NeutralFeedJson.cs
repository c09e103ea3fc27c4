using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedHub.Core.Parser;

namespace FeedHub.Cli;

/// <summary>The neutral feed schema of design.md §2, written straight from a <see cref="FeedDocument"/>.</summary>
public static class NeutralFeedJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Appends the JSON of <paramref name="document"/> to <paramref name="output"/>, which callers reuse from one document to the next.</summary>
    public static void Write(FeedDocument document, IBufferWriter<byte> output)
    {
        using (var json = new Utf8JsonWriter(output, Options))
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
                WriteDate(json, "published", item.Published);
                WriteDate(json, "updated", item.Updated);
                json.WriteString("author", item.Author);
                json.WriteString("summary", item.Summary);
                json.WriteString("content", item.Content);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("error", document.Error);
            json.WriteEndObject();
        }
    }

    /// <summary>ISO 8601 with the feed's own offset, formatted in place.</summary>
    private static void WriteDate(Utf8JsonWriter json, string name, DateTimeOffset? date)
    {
        if (date is null)
        {
            json.WriteNull(name);
            return;
        }

        Span<byte> text = stackalloc byte[48];
        if (!date.Value.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("an ISO 8601 date is always shorter than 48 bytes");
        }

        json.WriteString(name, text[..length]);
    }
}
