using FeedHub.Core.Readability;

namespace FeedHub.Core.Tests.Readability;

public sealed class LargePagePrefilterTests
{
    private static readonly string Padding = "<p>" + new string('x', LargePagePrefilter.MinimumLength) + "</p>";

    [Fact]
    public void ScriptAndStyleBodiesAreEmptiedButJsonLdIsKept()
    {
        var html = "<head><script>var a = '<p>not text</p>';</script><STYLE type=text/css>p{}</STYLE>"
            + "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script></head><body>" + Padding + "</body>";

        var filtered = Filter(html);

        Assert.StartsWith("<head><script></script><STYLE type=text/css></STYLE><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script>",
            filtered, StringComparison.Ordinal);
        Assert.EndsWith(Padding + "</body>", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public void ScriptTagsInsideCommentsAndLookalikeTagsAreLeftAlone()
    {
        var html = "<!-- <script> --><p>kept one</p><scripted>kept two</scripted><script>x</script>" + Padding;

        var filtered = Filter(html);

        Assert.StartsWith("<!-- <script> --><p>kept one</p><scripted>kept two</scripted><script></script>", filtered, StringComparison.Ordinal);
    }

    [Fact]
    public void SmallPagesAreUntouched()
    {
        const string html = "<script>var a = 1;</script><p>text</p>";

        Assert.Equal(html, Filter(html));
    }

    private static string Filter(string html)
    {
        var buffer = html.ToCharArray();
        return new string(buffer, 0, LargePagePrefilter.Apply(buffer));
    }
}
