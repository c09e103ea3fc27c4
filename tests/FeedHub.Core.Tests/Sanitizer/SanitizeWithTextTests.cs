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

    /// <summary>
    /// Text without markup is read without a parser: generated texts of words, white space of every kind, characters
    /// the serialiser escapes, and character references both accepted and left to the parser (legacy names without
    /// ';', the numbers the standard remaps, surrogates, a bare '&amp;') give what parsing gives.
    /// </summary>
    [Fact]
    public void Gives_the_markup_and_the_text_of_sanitising_then_parsing_again_on_text_without_markup()
    {
        string[] pieces =
        [
            "word", "Ünïcode", "😀", " ", "  ", "\t", "\n", "\u00A0", "\u2003", "\f", "\"", "'", ">", "=", ";", "#",
            "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&nbsp;", "&hellip;", "&rsquo;", "&ldquo;", "&mdash;", "&#8230;",
            "&#x2019;", "&#X201C;", "&#160;", "&#32;", "&#38;", "&#60;", "&#0065;", "&#9;", "&#128;", "&#150;", "&#0;",
            "&#xD800;", "&#x110000;", "&#xFFFE;", "&#99999999;", "&copy", "&copy;", "&amp", "&ampx;", "& ", "&;", "&#;",
            "&#x;", "AT&T", "[&#8230;]", "\r\n", "\u0001",
        ];
        var random = new Random(15);
        for (var sample = 0; sample < 1500; sample++)
        {
            AssertSame(string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)])));
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
