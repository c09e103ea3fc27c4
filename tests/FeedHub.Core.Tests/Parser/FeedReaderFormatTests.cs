using FeedHub.Core.Parser;
using FeedHub.Core.Tests.Fixtures;

namespace FeedHub.Core.Tests.Parser;

public sealed class FeedReaderFormatTests
{
    private readonly FeedReader reader = new();

    [Fact]
    public void Rss20ReadsChannelAndItems()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__full.rss"));

        Assert.Null(feed.Error);
        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("RSS Title", feed.Title);
        Assert.Equal("http://www.example.com/main.html", feed.Link);
        Assert.Equal("This is an example of an RSS feed", feed.Subtitle);
        Assert.Equal(TimeSpan.FromMinutes(1800), feed.PublisherInterval);
        Assert.Equal(5, feed.Items.Count);
        var first = feed.Items[0];
        Assert.Equal("Example entry", first.Title);
        Assert.Equal("http://www.example.com/blog/post/1", first.Link);
        Assert.Equal("7bd204c6-1655-4c27-aeee-53f933c5395f", first.Id);
        Assert.Equal(new DateTimeOffset(2009, 9, 6, 16, 20, 0, TimeSpan.Zero), first.Published);
        Assert.Equal("Example editor", first.Author);
        Assert.Equal("Here is some text containing an interesting description.", first.Summary);
        Assert.Equal("http://example.com/enclosure-with-type", first.ImageUrl);
    }

    [Fact]
    public void Rss20GuidThatIsNotAPermalinkIsNotUsedAsLink()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__full.rss"));

        Assert.Equal("00000000-1655-4c27-aeee-00000000", feed.Items[1].Id);
        Assert.Null(feed.Items[1].Link);
    }

    [Fact]
    public void Rss10RdfReadsItemsBesideTheChannelWithDublinCoreDates()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feed-rs__rss1__rss_1.0_debian.xml"));

        Assert.Null(feed.Error);
        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("Debian News", feed.Title);
        Assert.Equal("https://www.debian.org/News/", feed.Link);
        var item = Assert.Single(feed.Items);
        Assert.Equal("https://www.debian.org/News/2022/20221217", item.Id);
        Assert.Equal("Updated Debian 11: 11.6 released", item.Title);
        Assert.Equal(new DateTimeOffset(2022, 12, 17, 0, 0, 0, TimeSpan.Zero), item.Published);
        Assert.Contains("codename <q>bullseye</q>", item.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Atom10ReadsEntriesAndIgnoresTheSourceElement()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__full.atom"));

        Assert.Null(feed.Error);
        Assert.Equal(FeedFormat.Atom, feed.Format);
        Assert.Equal("Example Feed", feed.Title);
        Assert.Equal("http://example.org/", feed.Link);
        Assert.Equal("all your examples are belong to us", feed.Subtitle);
        var entry = feed.Items[0];
        Assert.Equal("Atom-Powered Robots Run Amok", entry.Title);
        Assert.Equal("http://example.org/2003/12/13/atom03", entry.Link);
        Assert.Equal("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", entry.Id);
        Assert.Equal(new DateTimeOffset(2003, 12, 13, 18, 30, 2, TimeSpan.Zero), entry.Updated);
        Assert.Equal(new DateTimeOffset(2003, 12, 13, 9, 17, 51, TimeSpan.FromHours(-8)), entry.Published);
        Assert.Equal("John Doe", entry.Author);
        Assert.Equal("Some text.", entry.Summary);
        Assert.Equal("content", entry.Content);
    }

    [Fact]
    public void Atom03ReadsDublinCoreWhenAtomElementsAreMissing()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedkit__xml__AtomDC.xml"));

        Assert.Null(feed.Error);
        Assert.Equal(FeedFormat.Atom, feed.Format);
        Assert.Equal("title", feed.Title);
        Assert.Equal("description", feed.Subtitle);
        var entry = Assert.Single(feed.Items);
        Assert.Equal("title", entry.Title);
        Assert.Equal("creator", entry.Author);
        Assert.Equal("description", entry.Summary);
        Assert.Equal(new DateTimeOffset(2000, 1, 1, 12, 0, 0, TimeSpan.Zero), entry.Published);
        Assert.Equal(["subject"], entry.Categories);
    }

    [Fact]
    public void JsonFeedReadsFeedAndItems()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__full.json"));

        Assert.Null(feed.Error);
        Assert.Equal(FeedFormat.Json, feed.Format);
        Assert.Equal("My Example Feed", feed.Title);
        Assert.Equal("https://example.org/", feed.Link);
        Assert.Equal("The Best Example Feed", feed.Subtitle);
        Assert.Equal(2, feed.Items.Count);
        var first = feed.Items[0];
        Assert.Equal("2", first.Id);
        Assert.Equal("Title", first.Title);
        Assert.Equal("https://example.org/second-item", first.Link);
        Assert.Equal("A summary", first.Summary);
        Assert.Equal("Content with <a href=\"http://example.com/\">link</a>", first.Content);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 14, 0, 0, TimeSpan.FromHours(-7)), first.Published);
        Assert.Equal(new DateTimeOffset(2020, 1, 4, 1, 0, 0, TimeSpan.FromHours(1)), first.Updated);
        Assert.Equal("Jane", feed.Items[1].Author);
    }

    [Fact]
    public void RelativeLinksResolveAgainstNestedXmlBase()
    {
        var feed = reader.Read(FeedFixtures.Bytes("xml-base.atom"));

        Assert.Null(feed.Error);
        Assert.Equal("https://blog.example.org/index.html", feed.Link);
        Assert.Equal("https://blog.example.org/posts/2024/05/first.html", feed.Items[0].Link);
        Assert.Equal("https://blog.example.org/about#me", feed.Items[1].Link);
        Assert.Equal("https://other.example.net/a?b=1&c=2", feed.Items[2].Link);
    }

    [Fact]
    public void RelativeLinksResolveAgainstTheDocumentLocationWhenThereIsNoBase()
    {
        var feed = reader.Read(FeedFixtures.Bytes("lemon24-reader__relative.atom"), location: new Uri("https://example.com/feeds/main.atom"));

        Assert.Equal("https://example.com/feeds/file.html", feed.Link);
        Assert.Equal("https://example.com/feeds/entries/entry.html", feed.Items[0].Link);
    }

    [Fact]
    public void SyndicationModuleGivesThePublisherInterval()
    {
        const string rss = """
            <rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
            <channel><title>t</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency></channel>
            </rss>
            """;

        var feed = reader.Read(System.Text.Encoding.UTF8.GetBytes(rss));

        Assert.Equal(TimeSpan.FromHours(6), feed.PublisherInterval);
    }
}
