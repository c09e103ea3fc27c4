using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Tests.Fixtures;

namespace FeedHub.Core.Tests.Parser;

/// <summary>An item's files (a podcast's episode, a video) read from RSS, Atom, JSON Feed and Media RSS, within their budgets.</summary>
public sealed class FeedReaderEnclosureTests
{
    private readonly FeedReader reader = new();

    private static readonly Uri Location = new("https://podcast.example/shows/feed.xml");

    [Fact]
    public void A_podcasts_episodes_keep_their_audio_with_type_size_and_itunes_duration()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedjira__itunes.xml"), location: Location);

        Assert.Equal(3, feed.Items.Count);
        var first = Assert.Single(feed.Items[0].Enclosures);
        Assert.Equal("http://example.com/podcasts/everything/AllAboutEverythingEpisode3.m4a", first.Url);
        Assert.Equal("audio/x-m4a", first.MediaType);
        Assert.Equal(8727310, first.Length);
        Assert.Equal((7 * 60) + 4, first.DurationSeconds);
        var last = Assert.Single(feed.Items[2].Enclosures);
        Assert.Equal(("http://example.com/podcasts/everything/AllAboutEverythingEpisode1.mp3", "audio/mpeg", 4989537L, 239),
            (last.Url, last.MediaType, last.Length!.Value, last.DurationSeconds!.Value));
        Assert.Equal("http://example.com/podcasts/everything/AllAboutEverything.jpg", feed.Items[0].ImageUrl);
    }

    [Fact]
    public void A_blogs_video_enclosure_is_kept_and_its_other_items_have_none()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedjira__TenderLovemaking.xml"), location: Location);

        var withVideo = Assert.Single(feed.Items, item => item.Enclosures.Count > 0);
        Assert.Equal("Easily Add Growl Notifications to Autotest", withVideo.Title);
        var video = Assert.Single(withVideo.Enclosures);
        Assert.Equal(("http://tenderlovemaking.com/wp-content/uploads/2008/11/meow_autotest.mov", "video/quick", 6961598L),
            (video.Url, video.MediaType, video.Length!.Value));
        Assert.Null(video.DurationSeconds);
        Assert.Equal(10, feed.Items.Count);
    }

    [Fact]
    public void Every_rss_enclosure_is_kept_once_images_stay_the_items_image_and_bad_lengths_are_unknown()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__full.rss"), location: Location);

        var item = feed.Items[0];
        Assert.Equal("http://example.com/enclosure-with-type", item.ImageUrl);
        Assert.Equal(
            new (string, long?)[] { ("http://example.com/enclosure", null), ("http://example.com/enclosure-with-length", 100000), ("http://example.com/enclosure-with-bad-length", null) },
            item.Enclosures.Select(e => (e.Url, e.Length)));
        Assert.Null(feed.Error);
    }

    [Fact]
    public void Atom_enclosure_links_keep_their_type_and_length()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__full.atom"), location: Location);

        var enclosures = feed.Items[0].Enclosures;
        Assert.Equal(
            new (string, string?, long?)[]
            {
                ("http://example.org/enclosure", null, null), ("http://example.org/enclosure-with-type", "text/whatever", null),
                ("http://example.org/enclosure-with-length", null, 1000), ("http://example.org/enclosure-with-bad-length", null, null),
            },
            enclosures.Select(e => (e.Url, e.MediaType, e.Length)));
        Assert.Equal("http://example.org/2003/12/13/atom03", feed.Items[0].Link);
    }

    [Fact]
    public void A_relative_enclosure_is_resolved_against_the_documents_address_and_kept_as_written_without_one()
    {
        var bytes = FeedFixtures.Bytes("lemon24-reader__relative.atom");

        var located = reader.Read(bytes, location: Location);
        var alone = reader.Read(bytes);

        Assert.Equal("https://podcast.example/shows/enclosure?q=a#fragment", Assert.Single(located.Items[0].Enclosures).Url);
        Assert.Equal("enclosure?q=a#fragment", Assert.Single(alone.Items[0].Enclosures).Url);
        Assert.Null(alone.Error);
    }

    [Fact]
    public void Json_feed_attachments_keep_their_type_size_and_duration()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__full.json"), location: Location);

        var item = Assert.Single(feed.Items, i => i.Enclosures.Count > 0);
        Assert.Equal(2, item.Enclosures.Count);
        var first = item.Enclosures[0];
        Assert.Equal(("http://example.com/downloads/file.m4a", "audio/x-m4a", 12345678L, 1234),
            (first.Url, first.MediaType, first.Length!.Value, first.DurationSeconds!.Value));
        Assert.Equal(("http://example.com/downloads/another.mp3", (string?)null, (long?)null), (item.Enclosures[1].Url, item.Enclosures[1].MediaType, item.Enclosures[1].Length));
    }

    [Fact]
    public void Media_rss_audio_and_video_are_enclosures_images_the_items_image_and_an_enclosure_given_twice_is_one()
    {
        var feed = reader.Read(Encoding.UTF8.GetBytes("""
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Show</title>
            <item xml:base="https://cdn.example/media/"><title>Episode</title><guid>e1</guid>
              <enclosure url="ep1.mp3" type="audio/mpeg" length="0"/>
              <media:group>
                <media:content url="ep1.mp3" fileSize="1234567" duration="1800"/>
                <media:content url="https://cdn.example/media/ep1.mp4" medium="video" type="video/mp4; codecs=avc1"/>
                <media:content url="https://cdn.example/media/cover.jpg" medium="image"/>
                <media:content url="https://cdn.example/media/player.swf" type="application/x-shockwave-flash"/>
              </media:group>
              <itunes:duration>1:00:00</itunes:duration>
            </item></channel></rss>
            """), location: Location);

        var item = Assert.Single(feed.Items);
        Assert.Equal("https://cdn.example/media/cover.jpg", item.ImageUrl);
        Assert.Equal(
            new (string, string?, long?, int?)[] { ("https://cdn.example/media/ep1.mp3", "audio/mpeg", 1234567L, 1800), ("https://cdn.example/media/ep1.mp4", "video/mp4", null, null) },
            item.Enclosures.Select(e => (e.Url, e.MediaType, e.Length, e.DurationSeconds)));
        Assert.Null(feed.Error);
    }

    [Fact]
    public void Enclosures_past_the_cap_or_not_http_are_dropped_and_the_parse_warning_says_so()
    {
        var enclosures = string.Concat(Enumerable.Range(1, 12).Select(i => $"""<enclosure url="https://cdn.example/{i}.mp3" type="audio/mpeg"/>"""));
        var feed = reader.Read(Encoding.UTF8.GetBytes($"""
            <rss version="2.0"><channel><title>Show</title>
            <item><title>Many</title><guid>e1</guid>{enclosures}
              <enclosure url="javascript:alert(1)" type="audio/mpeg"/>
              <enclosure url="ftp://files.example/a.mp3" type="audio/mpeg"/>
              <enclosure url="https://cdn.example/{new string('a', 3000)}.mp3" type="audio/mpeg"/>
            </item></channel></rss>
            """), location: Location);

        var item = Assert.Single(feed.Items);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"https://cdn.example/{i}.mp3"), item.Enclosures.Select(e => e.Url));
        Assert.Contains("dropped 7 enclosures", feed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("424", 424)]
    [InlineData("7:04", 424)]
    [InlineData("75:30", 4530)]
    [InlineData("1:02:03", 3723)]
    [InlineData("01:02:03.6", 3724)]
    [InlineData(" 3600.4 ", 3600)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("1:60", null)]
    [InlineData("1:2:3:4", null)]
    [InlineData("about an hour", null)]
    [InlineData("99999999", null)]
    [InlineData("", null)]
    public void Itunes_durations_read_as_seconds_and_implausible_ones_as_unknown(string text, int? seconds)
        => Assert.Equal(seconds, Media.Duration(text));

    [Theory]
    [InlineData("8727310", 8727310L)]
    [InlineData("12345678.0", 12345678L)]
    [InlineData("0", null)]
    [InlineData("-1", null)]
    [InlineData("xyz", null)]
    [InlineData("99999999999999999", null)]
    public void Lengths_are_positive_and_plausible_or_unknown(string text, long? bytes)
        => Assert.Equal(bytes, Media.Length(text));
}
