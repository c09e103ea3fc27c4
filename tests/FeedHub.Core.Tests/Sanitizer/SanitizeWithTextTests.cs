using FeedHub.Core.Ingest;
using FeedHub.Core.Parser;
using FeedHub.Core.Sanitizer;
using FeedHub.Core.Tests.Fixtures;
using FeedHub.Tests.Support;

namespace FeedHub.Core.Tests.Sanitizer;

/// <summary>
/// Ingest reads an article's text from the sanitised document instead of parsing the sanitised markup again: the
/// markup must be what <see cref="HtmlContentSanitizer.Sanitize"/> gives, and the text what <see cref="HtmlText.Of(string?, int)"/>
/// gives for that markup, on real feeds and on hostile HTML.
/// </summary>
public sealed class SanitizeWithTextTests
{
    private static readonly HtmlContentSanitizer Sanitizer = new();

    public static TheoryData<string> Fixtures
        => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "feeds"), "*.xml").Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Gives_the_markup_and_the_text_of_sanitising_then_parsing_again(string fixture)
    {
        var feed = new FeedReader().Read(FeedFixtures.Bytes(fixture));
        foreach (var html in feed.Items.SelectMany(i => new[] { i.Summary, i.Content, i.Title }))
        {
            AssertSame(html);
        }
    }

    [Fact]
    public void Gives_the_markup_and_the_text_of_sanitising_then_parsing_again_on_hostile_and_odd_html()
    {
        string[] odd =
        [
            "", "   ", "plain text", "a &amp; b &lt;c&gt; &nbsp;d", "<p>one</p><p>two</p>", "in<b>line</b>word<br>next",
            "<img src=x>", "<iframe src=\"https://www.youtube.com/embed/abc\">raw <p>text</p></iframe>after",
            "<table><div>moved</div><tr><td>cell</td></tr></table>", "<a href=/a><a href=/b>nested</a></a>",
            "<p>unclosed<div>block<span>in</span>", "<script>x()</script>visible<style>p{}</style>", "<!-- c -->text",
            "<pre>  keep\n  lines </pre>", "emoji 😀 and\u00a0nbsp", "<noscript><p>hidden</p></noscript>shown",
        ];
        foreach (var html in odd.Concat(XssVectors.All).Concat(XssVectors.All.Select(v => "<p>before</p>" + v + "<p>after</p>")))
        {
            AssertSame(html);
        }
    }

    private static void AssertSame(string? html)
    {
        const string baseUrl = "https://site.example/post";
        var markup = Sanitizer.Sanitize(html, baseUrl);
        var both = Sanitizer.SanitizeWithText(html, baseUrl);
        Assert.Equal(markup, both.Html);
        Assert.Equal(HtmlText.Of(markup, int.MaxValue), both.Text);
    }
}
