using FeedHub.Core.Parser;
using FeedHub.Core.Tests.Fixtures;

namespace FeedHub.Core.Tests.Parser;

public sealed class FeedReaderSecurityTests
{
    private readonly FeedReader reader = new();

    [Fact]
    public void BillionLaughsIsRefusedAtOnce()
    {
        var feed = reader.Read(FeedFixtures.Bytes("billion-laughs.xml"));

        Assert.Null(feed.Format);
        Assert.Empty(feed.Items);
        Assert.Contains("billion laughs", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalEntityIsRefusedWithoutReadingTheFile()
    {
        var feed = reader.Read(FeedFixtures.Bytes("xxe-passwd.xml"));

        Assert.Null(feed.Format);
        Assert.Empty(feed.Items);
        Assert.Contains("external entity", feed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", feed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalDtdReferenceIsNeverFetched()
    {
        const string rss = """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "file:///etc/passwd">
            <rss version="2.0"><channel><title>DTD elsewhere</title><item><title>&amp; fine</title></item></channel></rss>
            """;

        var feed = reader.Read(System.Text.Encoding.UTF8.GetBytes(rss));

        Assert.Null(feed.Error);
        Assert.Equal("DTD elsewhere", feed.Title);
        Assert.Equal("& fine", Assert.Single(feed.Items).Title);
    }
}
