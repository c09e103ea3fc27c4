using System.Text;
using FeedHub.Core.Parser;

namespace FeedHub.Core.Tests.Parser;

/// <summary>The languages a feed declares, for the feed and for each item.</summary>
public sealed class FeedReaderLanguageTests
{
    private readonly FeedReader reader = new();

    [Fact]
    public void Atom_takes_the_feeds_xml_lang_and_each_entrys_own()
    {
        var feed = Read("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Carnet</title>
            <entry><id>1</id><title>Bonjour</title></entry>
            <entry xml:lang="he"><id>2</id><title>שלום</title></entry>
            </feed>
            """);

        Assert.Equal("fr", feed.Language);
        Assert.Equal(["fr", "he"], feed.Items.Select(i => i.Language));
    }

    [Fact]
    public void Rss_takes_the_channels_language_element_and_an_items_xml_lang()
    {
        var feed = Read("""
            <rss version="2.0"><channel><title>Blog</title><language>he-IL</language>
            <item><title>One</title><guid>1</guid></item>
            <item xml:lang="en"><title>Two</title><guid>2</guid></item>
            </channel></rss>
            """);

        Assert.Equal("he-IL", feed.Language);
        Assert.Equal([null, "en"], feed.Items.Select(i => i.Language));
    }

    [Fact]
    public void Json_feed_takes_the_feeds_language_and_each_items_own()
    {
        var feed = Read("""
            {"version": "https://jsonfeed.org/version/1.1", "title": "Blog", "language": "de",
             "items": [{"id": "1", "title": "Hallo"}, {"id": "2", "title": "Hello", "language": "en-GB"}]}
            """);

        Assert.Equal("de", feed.Language);
        Assert.Equal([null, "en-GB"], feed.Items.Select(i => i.Language));
    }

    private FeedDocument Read(string text) => reader.Read(Encoding.UTF8.GetBytes(text));
}
