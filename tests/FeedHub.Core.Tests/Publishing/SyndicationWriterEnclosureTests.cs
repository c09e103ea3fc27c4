using System.Text.Json;
using System.Xml.Linq;
using FeedHub.Core.Model;
using FeedHub.Core.Publishing;

namespace FeedHub.Core.Tests.Publishing;

/// <summary>An entry's files as each served format carries them.</summary>
public sealed class SyndicationWriterEnclosureTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    // A document first, so RSS must choose the episode for its one enclosure.
    private static readonly Enclosure[] Files =
    [
        new() { Url = "https://cdn.example/notes.pdf" },
        new() { Url = "https://cdn.example/ep1.mp3", MediaType = "audio/mpeg", Length = 8727310, DurationSeconds = 424 },
        new() { Url = "https://cdn.example/ep1.mp4", MediaType = "video/mp4" },
        new() { Url = "https://cdn.example/raw" },
    ];

    private static PublishedFeed Feed(string self)
    {
        var source = new EntrySource("Show", new Uri("https://show.example/feed.xml"), new Uri("https://show.example/"));
        var entry = new PublishedEntry("id:1", "Episode 1", new Uri("https://show.example/1"), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, "<p>Notes</p>", [source])
        {
            Enclosures = Files,
        };
        return new PublishedFeed("Planet", null, new Uri("https://planet.example/" + self), new Uri("https://planet.example/"), DateTimeOffset.UnixEpoch, [entry]);
    }

    [Fact]
    public void Atom_has_an_enclosure_link_per_file_with_its_type_and_length()
    {
        var entry = XDocument.Parse(System.Text.Encoding.UTF8.GetString(SyndicationWriter.Atom(Feed("feed.atom")))).Root!.Element(Atom + "entry")!;

        var links = entry.Elements(Atom + "link").Where(l => (string?)l.Attribute("rel") == "enclosure")
            .Select(l => ((string?)l.Attribute("href"), (string?)l.Attribute("type"), (string?)l.Attribute("length"))).ToList();
        Assert.Equal(
            new (string?, string?, string?)[]
            {
                ("https://cdn.example/notes.pdf", "application/pdf", null), ("https://cdn.example/ep1.mp3", "audio/mpeg", "8727310"),
                ("https://cdn.example/ep1.mp4", "video/mp4", null), ("https://cdn.example/raw", null, null),
            },
            links);
    }

    [Fact]
    public void Rss_has_one_enclosure_the_first_audio_or_video_and_the_others_as_atom_enclosure_links()
    {
        var item = XDocument.Parse(System.Text.Encoding.UTF8.GetString(SyndicationWriter.Rss(Feed("feed.rss")))).Root!.Element("channel")!.Element("item")!;

        var enclosure = Assert.Single(item.Elements("enclosure"));
        Assert.Equal(("https://cdn.example/ep1.mp3", "audio/mpeg", "8727310"),
            ((string?)enclosure.Attribute("url"), (string?)enclosure.Attribute("type"), (string?)enclosure.Attribute("length")));
        Assert.Equal(
            ["https://cdn.example/notes.pdf", "https://cdn.example/ep1.mp4", "https://cdn.example/raw"],
            item.Elements(Atom + "link").Where(l => (string?)l.Attribute("rel") == "enclosure").Select(l => (string?)l.Attribute("href")));
    }

    [Fact]
    public void Rss_gives_its_enclosure_the_type_and_length_rss_requires_when_the_feed_gave_none()
    {
        var source = new EntrySource("Show", new Uri("https://show.example/feed.xml"), null);
        var entry = new PublishedEntry("id:1", "Episode", new Uri("https://show.example/1"), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, [source])
        {
            Enclosures = [new() { Url = "https://cdn.example/raw" }],
        };
        var feed = new PublishedFeed("Planet", null, new Uri("https://planet.example/feed.rss"), new Uri("https://planet.example/"), DateTimeOffset.UnixEpoch, [entry]);

        var enclosure = XDocument.Parse(System.Text.Encoding.UTF8.GetString(SyndicationWriter.Rss(feed))).Root!.Element("channel")!.Element("item")!.Element("enclosure")!;

        Assert.Equal(("https://cdn.example/raw", "application/octet-stream", "0"),
            ((string?)enclosure.Attribute("url"), (string?)enclosure.Attribute("type"), (string?)enclosure.Attribute("length")));
    }

    [Fact]
    public void Json_feed_has_an_attachment_per_file_with_the_mime_type_it_requires()
    {
        using var json = JsonDocument.Parse(SyndicationWriter.Json(Feed("feed.json")));

        var attachments = json.RootElement.GetProperty("items")[0].GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(4, attachments.Count);
        Assert.Equal("application/pdf", attachments[0].GetProperty("mime_type").GetString());
        Assert.False(attachments[0].TryGetProperty("size_in_bytes", out _));
        Assert.Equal("https://cdn.example/ep1.mp3", attachments[1].GetProperty("url").GetString());
        Assert.Equal(8727310, attachments[1].GetProperty("size_in_bytes").GetInt64());
        Assert.Equal(424, attachments[1].GetProperty("duration_in_seconds").GetInt32());
        Assert.Equal("application/octet-stream", attachments[3].GetProperty("mime_type").GetString());
    }

    [Fact]
    public void An_entry_without_files_has_no_enclosure_in_any_format()
    {
        var source = new EntrySource("Blog", new Uri("https://blog.example/feed.xml"), null);
        var entry = new PublishedEntry("id:1", "Post", new Uri("https://blog.example/1"), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, "<p>Text</p>", [source]);
        var feed = new PublishedFeed("Planet", null, new Uri("https://planet.example/feed"), new Uri("https://planet.example/"), DateTimeOffset.UnixEpoch, [entry]);

        Assert.DoesNotContain("enclosure", System.Text.Encoding.UTF8.GetString(SyndicationWriter.Atom(feed)), StringComparison.Ordinal);
        Assert.DoesNotContain("enclosure", System.Text.Encoding.UTF8.GetString(SyndicationWriter.Rss(feed)), StringComparison.Ordinal);
        Assert.DoesNotContain("attachments", System.Text.Encoding.UTF8.GetString(SyndicationWriter.Json(feed)), StringComparison.Ordinal);
    }
}
