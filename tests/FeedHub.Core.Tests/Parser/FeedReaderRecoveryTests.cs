using System.Text;
using FeedHub.Core.Parser;
using FeedHub.Core.Tests.Fixtures;

namespace FeedHub.Core.Tests.Parser;

public sealed class FeedReaderRecoveryTests
{
    private readonly FeedReader reader = new();

    [Fact]
    public void HtmlNamedEntitiesAreDecodedAndReported()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__entities__ndash.xml"));

        Assert.Equal("testing \u2013 entity", feed.Title);
        Assert.Contains("HTML entities", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BareAmpersandsAreKeptAsTextAndReported()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__illformed__rss_item_link_corrupted_ampersands.xml"));

        Assert.Equal("http://link/get?a=1&b=2", Assert.Single(feed.Items).Link);
        Assert.NotNull(feed.Error);
    }

    [Fact]
    public void CommentAndWhitespaceBeforeTheXmlDeclarationAreSkippedAndReported()
    {
        var feed = reader.Read(FeedFixtures.Bytes("yarr__rss__lots-of-spaces.xml"));

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("finally", feed.Title);
        Assert.Contains("before the XML declaration", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void JunkBytesBeforeTheRootElementAreSkippedAndReported()
    {
        var body = Encoding.UTF8.GetBytes("Warning: session_start() failed\n<rss version=\"2.0\"><channel><title>PHP feed</title></channel></rss>");

        var feed = reader.Read(body);

        Assert.Equal("PHP feed", feed.Title);
        Assert.Contains("before the root element", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFeedKeepsEveryCompleteItem()
    {
        var whole = FeedFixtures.Bytes("codehollow-feedreader__Rss20JapanToday.xml");
        var complete = reader.Read(whole);
        var cutInsideSixthItem = IndexOfOccurrence(whole, "<item>"u8, 6) + 40;

        var truncated = reader.Read(whole.AsMemory(0, cutInsideSixthItem));

        Assert.Null(complete.Error);
        Assert.Equal(20, complete.Items.Count);
        Assert.Equal(FeedFormat.Rss, truncated.Format);
        Assert.Equal(complete.Title, truncated.Title);
        Assert.Equal(5, truncated.Items.Count);
        Assert.Equal(complete.Items.Take(5).Select(item => item.Link), truncated.Items.Select(item => item.Link));
        Assert.Contains("cut short", truncated.Error, StringComparison.Ordinal);
        Assert.Contains("kept 5 complete items", truncated.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BrokenElementStructureInTheMiddleKeepsTheItemsAfterIt()
    {
        const string rss = """
            <rss version="2.0"><channel><title>Broken blog</title>
            <item><title>First</title><description>Hello<br>world <img src=/a.png alt='x'> a < b</description><link>https://example.com/1</link></item>
            <item><title>Second</titel><link>https://example.com/2</link></item>
            <item><title>Third</title><link>https://example.com/3</link></p></item>
            </channel></rss>
            """;

        var feed = reader.Read(Encoding.UTF8.GetBytes(rss));

        Assert.Equal(["https://example.com/1", "https://example.com/2", "https://example.com/3"], feed.Items.Select(item => item.Link));
        Assert.Equal("First", feed.Items[0].Title);
        Assert.Contains("world", feed.Items[0].Summary, StringComparison.Ordinal);
        Assert.Equal("Third", feed.Items[2].Title);
        Assert.Contains("element structure repaired", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlCharactersAreRemovedAndReported()
    {
        var body = Encoding.UTF8.GetBytes("<rss version=\"2.0\"><channel><title>Bell\u0007 and form\u000C feed</title></channel></rss>");

        var feed = reader.Read(body);

        Assert.Equal("Bell and form feed", feed.Title);
        Assert.Contains("control characters", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows1252PunctuationEncodedAsC1ControlsIsRepairedSilently()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__encoding__demoronize-1.xml"));

        Assert.Null(feed.Error);
        Assert.Equal("don\u2019t", Assert.Single(feed.Items).Summary);
    }

    [Fact]
    public void UndeclaredNamespacePrefixesAreDeclaredAndReported()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__illformed__undeclared_namespace.xml"));

        Assert.Equal(FeedFormat.Rss, feed.Format);
        Assert.Equal("Foo", feed.Subtitle);
        Assert.Contains("undeclared namespace prefix itunes", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EntitiesDeclaredInAnInternalDtdAreExpanded()
    {
        var feed = reader.Read(FeedFixtures.Bytes("feedparser__wellformed__rss__entity_in_doctype.xml"));

        Assert.Null(feed.Error);
        Assert.Equal("tag:example.com,2006-05-04:/blog/", Assert.Single(feed.Items).Id);
    }

    [Fact]
    public void HtmlPageIsNotAFeed()
    {
        var feed = reader.Read(FeedFixtures.Bytes("html-page.html"));

        Assert.Null(feed.Format);
        Assert.False(feed.IsFeed);
        Assert.StartsWith(FeedReader.HtmlPageError, feed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>", " (the page is titled \u201cJust a moment...\u201d)")]
    [InlineData("<html><head><TITLE>\n  Sign in &ndash; Example   Blog\n</TITLE></head></html>", " (the page is titled \u201cSign in \u2013 Example Blog\u201d)")]
    [InlineData("<html><head><title>Just a&#0; moment&#x1d;...</title></head></html>", " (the page is titled \u201cJust a moment...\u201d)")]
    [InlineData("<html><head><title>Login &#x202E;gnp.exe&#x202C; &#x2067;x&#x2069;</title></head></html>", " (the page is titled \u201cLogin gnp.exe x\u201d)")]
    [InlineData("<html dir=\"rtl\"><head><title>\u05D3\u05E3 \u05D4\u05DB\u05E0\u05D9\u05E1\u05D4</title></head></html>", " (the page is titled \u201c\u05D3\u05E3 \u05D4\u05DB\u05E0\u05D9\u05E1\u05D4\u201d)")]
    [InlineData("<html><body><p>No title</p></body></html>", "")]
    [InlineData("<html><head><title>   </title></head></html>", "")]
    public void A_page_served_where_a_feed_was_is_named_by_its_title(string page, string named)
        => Assert.Equal(FeedReader.HtmlPageError + named, reader.Read(Encoding.UTF8.GetBytes(page)).Error);

    [Fact]
    public void A_long_page_title_is_shortened()
    {
        var error = reader.Read(Encoding.UTF8.GetBytes($"<html><head><title>{new string('x', 500)}</title></head></html>")).Error!;

        Assert.EndsWith($"\u201c{new string('x', 79)}\u2026\u201d)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><title>x</title><p>No html element at all")]
    [InlineData("<?xml version=\"1.0\"?>\n<!-- generator -->\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>")]
    [InlineData("  <head><title>Lost</title></head><body><p>page</p></body>")]
    public void HtmlPagesInOtherShapesAreNotFeeds(string page)
        => Assert.StartsWith(FeedReader.HtmlPageError, reader.Read(Encoding.UTF8.GetBytes(page)).Error, StringComparison.Ordinal);

    [Theory]
    [InlineData(new byte[0], "empty document")]
    [InlineData(new byte[] { 0x20, 0x0A, 0x20 }, "empty document")]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00 }, "binary data, not a feed")]
    public void EmptyOrBinaryBodiesSaySo(byte[] body, string error)
    {
        var feed = reader.Read(body);

        Assert.Null(feed.Format);
        Assert.Equal(error, feed.Error);
    }

    [Fact]
    public void BrokenJsonFeedIsReported()
    {
        var feed = reader.Read("{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": ["u8.ToArray());

        Assert.Null(feed.Format);
        Assert.StartsWith("invalid JSON", feed.Error, StringComparison.Ordinal);
    }

    private static int IndexOfOccurrence(byte[] haystack, ReadOnlySpan<byte> needle, int occurrence)
    {
        var at = -1;
        for (var found = 0; found < occurrence; found++)
        {
            at += 1 + haystack.AsSpan(at + 1).IndexOf(needle);
        }

        return at;
    }
}
