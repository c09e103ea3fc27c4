using FeedHub.Core.Ingest;
using FeedHub.Core.Parser;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Tests.Urls;

public sealed class UrlNormalizerTests
{
    /// <summary>Found by fuzzing: Uri accepts these hosts but throws on their IDN form, which made every poll of the feed fail.</summary>
    [Theory]
    [InlineData("http://\u2488.example/post")]
    [InlineData("http://a\uFFFDb.example/post")]
    public void Hosts_without_an_idn_form_are_normalised_as_written(string link)
    {
        var host = new Uri(link).Host;

        Assert.Equal($"http://{host}/post", UrlNormalizer.ForIdentity(link));
        Assert.Equal($"{host}/post", UrlNormalizer.ForStory(link));
        Assert.Equal($"link:http://{host}/post", ArticleIdentity.KeyOf(new FeedItem { Link = link }, link));
    }

    [Theory]
    [InlineData("https://blog.example/a", true)]
    [InlineData("HTTP://blog.example/", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/relative", false)]
    [InlineData("data:text/html,x", false)]
    public void Only_absolute_http_links_are_web_links(string url, bool isHttp)
        => Assert.Equal(isHttp, WebLinks.IsHttp(url));

    [Theory]
    [InlineData("javascript:alert(1)", true)]
    [InlineData(" \u0001JavaScript:alert(1)", true)]
    [InlineData("java\tscript:alert(1)", true)]
    [InlineData("vbscript:x", true)]
    [InlineData("data:image/svg+xml,x", true)]
    [InlineData("https://blog.example/", false)]
    [InlineData("/relative:colon", false)]
    [InlineData("post.html", false)]
    public void Other_schemes_are_recognised_as_browsers_read_them(string url, bool other)
        => Assert.Equal(other, WebLinks.HasOtherScheme(url));
}
