using FeedHub.Core.Images;

namespace FeedHub.Core.Tests.Images;

public sealed class ImageUrlRewriterTests
{
    private static string Proxy(string url) => "/images/" + url.Replace("https://", string.Empty, StringComparison.Ordinal);

    [Fact]
    public void Image_sources_source_sets_and_posters_are_rewritten_and_nothing_else()
    {
        const string html = """
            <p>Text with <a href="https://blog.example/page">a link</a>.</p>
            <figure><img src="https://blog.example/a.jpg" srcset="https://blog.example/a-600.jpg 600w, https://blog.example/a-1200.jpg 1200w" alt="A"></figure>
            <picture><source srcset="https://blog.example/b.avif" type="image/avif"><img src="https://blog.example/b.jpg" alt="B"></picture>
            <video src="https://blog.example/v.mp4" poster="https://blog.example/v.jpg" controls></video>
            <audio><source src="https://blog.example/s.mp3"></audio>
            """;

        var rewritten = ImageUrlRewriter.Rewrite(html, Proxy);

        Assert.Contains("""<img src="/images/blog.example/a.jpg" srcset="/images/blog.example/a-600.jpg 600w, /images/blog.example/a-1200.jpg 1200w" alt="A">""", rewritten, StringComparison.Ordinal);
        Assert.Contains("""<source srcset="/images/blog.example/b.avif" type="image/avif">""", rewritten, StringComparison.Ordinal);
        Assert.Contains("""<img src="/images/blog.example/b.jpg" alt="B">""", rewritten, StringComparison.Ordinal);
        Assert.Contains("""poster="/images/blog.example/v.jpg""", rewritten, StringComparison.Ordinal);
        Assert.Contains("""src="https://blog.example/v.mp4""", rewritten, StringComparison.Ordinal);
        Assert.Contains("""<source src="https://blog.example/s.mp3">""", rewritten, StringComparison.Ordinal);
        Assert.Contains("""<a href="https://blog.example/page">""", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_without_images_is_returned_as_it_is()
    {
        const string html = "<p>Just <em>words</em> &amp; more.</p>";

        Assert.Same(html, ImageUrlRewriter.Rewrite(html, Proxy));
    }

    [Theory]
    [InlineData("https://a.example/x.jpg", "/images/a.example/x.jpg")]
    [InlineData("https://a.example/x.jpg 2x", "/images/a.example/x.jpg 2x")]
    [InlineData("  https://a.example/x.jpg 1x ,https://a.example/y.jpg 2x  ", "/images/a.example/x.jpg 1x, /images/a.example/y.jpg 2x")]
    [InlineData("https://a.example/x.jpg,, https://a.example/y.jpg 2x", "/images/a.example/x.jpg, /images/a.example/y.jpg 2x")]
    [InlineData("https://a.example/x,y.jpg 100w", "/images/a.example/x,y.jpg 100w")]
    [InlineData("", "")]
    public void Source_sets_keep_their_descriptors(string sourceSet, string expected)
        => Assert.Equal(expected, ImageUrlRewriter.RewriteSourceSet(sourceSet, Proxy));
}
