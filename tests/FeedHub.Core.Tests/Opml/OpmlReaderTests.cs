using System.Text;
using FeedHub.Core.Opml;
using FeedHub.Core.Tests.Parser;

namespace FeedHub.Core.Tests.Opml;

public sealed class OpmlReaderTests
{
    [Fact]
    public void An_htmlUrl_that_is_not_http_is_dropped_and_reported_while_the_feed_is_kept()
    {
        const string opml = """
            <opml version="2.0"><head><title>t</title></head><body>
            <outline text="Evil" xmlUrl="https://evil.example/feed" htmlUrl="javascript:alert(document.cookie)"/>
            <outline text="Data" xmlUrl="https://data.example/feed" htmlUrl="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>
            <outline text="Good" xmlUrl="https://good.example/feed" htmlUrl="https://good.example/"/>
            </body></opml>
            """;

        var document = OpmlReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(opml)));

        Assert.Equal([null, null, "https://good.example/"], document.Feeds.Select(feed => feed.SiteUrl));
        Assert.Equal(3, document.Feeds.Count);
        Assert.Collection(document.Problems,
            problem => Assert.Equal("the outline 'Evil' is read without its htmlUrl 'javascript:alert(document.cookie)', which is not an http or https address", problem.Message),
            problem => Assert.StartsWith("the outline 'Data' is read without its htmlUrl 'data:", problem.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Categories_nested_a_hundred_thousand_deep_read_in_linear_time_and_keep_the_outermost_eight()
    {
        const int depth = 100_000;
        var opml = new StringBuilder("<opml version=\"2.0\"><body>");
        for (var i = 0; i < depth; i++)
        {
            opml.Append("<outline text=\"c").Append(i).Append("\"><outline text=\"f\" xmlUrl=\"https://f.example/").Append(i).Append("\"/>");
        }

        opml.Insert(opml.Length, "</outline>", depth).Append("</body></opml>");

        var document = FeedReaderBudgetTests.Finishes(() => OpmlReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(opml.ToString()))));

        Assert.Equal(depth, document.Feeds.Count);
        Assert.Equal(["c0"], document.Feeds[0].Categories);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"c{i}"), document.Feeds[^1].Categories);
    }
}
