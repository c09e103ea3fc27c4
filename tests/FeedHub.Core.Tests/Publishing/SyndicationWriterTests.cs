using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using FeedHub.Core.Charsets;
using FeedHub.Core.Model;
using FeedHub.Core.Opml;
using FeedHub.Core.Publishing;

namespace FeedHub.Core.Tests.Publishing;

public sealed class SyndicationWriterTests
{
    /// <summary>
    /// An entry's content as the JSON feed writes it, escaped in segments, reads as the string escaped whole: across
    /// segment boundaries, with a surrogate pair (an emoji) cut by one, quotes, markup and line breaks.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SyndicationWriter.JsonTextSegment - 1)]
    [InlineData(SyndicationWriter.JsonTextSegment)]
    [InlineData(3 * SyndicationWriter.JsonTextSegment + 5)]
    public void Json_text_is_the_string_as_a_json_writer_escapes_it_whole(int length)
    {
        var text = new StringBuilder();
        var piece = "<p class=\"x\">Ça & \"ça\"\n\t😀 é</p>";
        while (text.Length < length)
        {
            text.Append(piece);
        }

        var whole = text.ToString(0, length);
        // The emoji's two halves fall on either side of the first segment's end.
        var cut = whole.Length > SyndicationWriter.JsonTextSegment + 1 ? whole[..(SyndicationWriter.JsonTextSegment - 1)] + "😀" + whole[(SyndicationWriter.JsonTextSegment + 1)..] : whole;

        foreach (var value in new[] { whole, cut })
        {
            var expected = JsonSerializer.Serialize(value);
            Assert.Equal(expected[1..^1], Encoding.UTF8.GetString(SyndicationWriter.JsonText(value)));
        }
    }

    /// <summary>
    /// An entry's content escaped for Atom and RSS (a digest day's, spliced into the feed) is byte for byte what an XML
    /// writer writes for it in an element: every character of the basic plane (those XML cannot carry left out,
    /// surrogates paired or not), markup, quotes and each kind of line break.
    /// </summary>
    [Fact]
    public void Xml_text_is_the_string_as_an_xml_writer_writes_it()
    {
        var everyCharacter = string.Create(0x10000, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)i;
            }
        });
        foreach (var text in new[] { "", "plain", everyCharacter, "a\r\nb\rc\nd\r\r\n\n\re\r", "\n\r", "<p class=\"x\">Ça & 'ça' ]]> 😀</p>", Dirty })
        {
            using var stream = new MemoryStream();
            using (var writer = new XmlCharacterFilter(XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), ConformanceLevel = ConformanceLevel.Fragment })))
            {
                writer.WriteString(text);
            }

            Assert.Equal(stream.ToArray(), SyndicationWriter.XmlText(text));
        }
    }

    /// <summary>Text with characters XML 1.0 cannot carry, as a JSON feed's escapes or an HTML page bring them in, and an emoji.</summary>
    private const string Dirty = "Bad\u001Dtitle\u0001 \u000B😀 \uD800end\uFFFE";

    private const string Clean = "Badtitle 😀 end";

    /// <summary>
    /// An article or source whose text holds characters XML cannot carry (stored from a JSON feed or an HTML page) no
    /// longer fails every Atom and RSS feed showing it: they are left out, and what a strict reader reads is the rest.
    /// </summary>
    [Fact]
    public void Atom_and_rss_leave_out_the_characters_xml_cannot_carry()
    {
        var source = new EntrySource("Blog " + Dirty, new Uri("https://blog.example/feed.json"), new Uri("https://blog.example/"));
        var entry = new PublishedEntry("id:" + Dirty, Dirty, new Uri("https://blog.example/1"), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            "Ann " + Dirty, "<p>" + Dirty + "</p>", [source]) { Tags = ["tag " + Dirty] };
        var feed = new PublishedFeed("Planet " + Dirty, Dirty, new Uri("https://planet.example/feed.atom"), new Uri("https://planet.example/"), DateTimeOffset.UnixEpoch, [entry]);

        foreach (var written in new[] { SyndicationWriter.Atom(feed), SyndicationWriter.Rss(feed) })
        {
            var document = Strictly(written);
            var texts = document.Descendants().Where(e => !e.HasElements).Select(e => e.Value).Concat(document.Descendants().Attributes().Select(a => a.Value)).ToList();
            Assert.Contains(Clean, texts);
            Assert.Contains("<p>" + Clean + "</p>", texts);
            Assert.Contains("Ann " + Clean, texts);
            Assert.Contains("tag " + Clean, texts);
            Assert.Contains("Blog " + Clean, texts);
            Assert.DoesNotContain(texts, text => text.Contains('\u001D') || text.Contains('\uFFFE'));
        }

        Assert.Equal(Clean, Strictly(Encoding.UTF8.GetBytes("<x>" + Encoding.UTF8.GetString(SyndicationWriter.XmlText(Dirty)) + "</x>")).Root!.Value);
    }

    /// <summary>
    /// RSS dates are RFC 822 in GMT, as RSS readers expect them: the formatter's own ended UTC times with "Z", a
    /// military zone that RFC 2822 reads as unknown and that parsers wanting three letters or an offset refuse.
    /// </summary>
    [Fact]
    public void Rss_dates_are_written_in_gmt_and_read_back_to_the_same_instant()
    {
        var published = new DateTimeOffset(2026, 12, 5, 23, 30, 0, TimeSpan.Zero);
        var updated = new DateTimeOffset(2026, 12, 7, 9, 15, 0, TimeSpan.FromHours(9));
        var source = new EntrySource("Blog", new Uri("https://blog.example/feed.xml"), new Uri("https://blog.example/"));
        var entry = new PublishedEntry("id:1", "Late post", new Uri("https://blog.example/1"), published, updated, null, "<p>Text</p>", [source]);
        var feed = new PublishedFeed("Planet", null, new Uri("https://planet.example/feed.rss"), new Uri("https://planet.example/"), updated, [entry]);

        var channel = Strictly(SyndicationWriter.Rss(feed)).Root!.Element("channel")!;
        var item = Assert.Single(channel.Elements("item"));

        Assert.Equal("Mon, 07 Dec 2026 00:15:00 GMT", Assert.Single(channel.Elements("lastBuildDate")).Value);
        Assert.Equal("Sat, 05 Dec 2026 23:30:00 GMT", Assert.Single(item.Elements("pubDate")).Value);
        var read = new FeedHub.Core.Parser.FeedReader().Read(SyndicationWriter.Rss(feed), "application/rss+xml", feed.SelfUrl);
        Assert.Equal(published, Assert.Single(read.Items).Published);
    }

    [Fact]
    public void Opml_leaves_out_the_characters_xml_cannot_carry_and_reads_back()
    {
        // FeedHub's own settings (the categories among them) travel as JSON, which escapes such characters: they stay.
        var outline = new SourceOutline(1, "https://blog.example/feed.json", "https://blog.example/", "Blog " + Dirty, null, ["Tech " + Dirty], SourceState.Active, ExtractionMode.Auto, null, null, null);
        using var stream = new MemoryStream();
        OpmlWriter.Write(stream, "Planet " + Dirty, [outline], DateTimeOffset.UnixEpoch);

        Strictly(stream.ToArray());
        stream.Position = 0;
        var read = Assert.Single(OpmlReader.Read(stream).Feeds);
        Assert.Equal("Blog " + Clean, read.Title);
    }

    [Fact]
    public void Text_xml_can_carry_is_the_same_string()
    {
        const string text = "Ça & <b>\t\n\r😀</b>";
        Assert.Same(text, XmlCharacters.Clean(text));
    }

    /// <summary>The document as a reader that checks every character reads it (it throws on any XML cannot carry).</summary>
    private static XDocument Strictly(byte[] written)
    {
        using var reader = XmlReader.Create(new MemoryStream(written), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }
}
