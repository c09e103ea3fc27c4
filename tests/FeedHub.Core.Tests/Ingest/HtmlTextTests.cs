using System.Text;
using AngleSharp.Html.Parser;
using FeedHub.Core.Ingest;

namespace FeedHub.Core.Tests.Ingest;

public sealed class HtmlTextTests
{
    [Fact]
    public void A_shortened_text_never_ends_in_half_a_character()
    {
        // 8 characters then an emoji (two UTF-16 units) that straddles the cut at 10.
        var text = HtmlText.Of("abcdefgh😀 and more words after it", maxLength: 10)!;

        Assert.Equal("abcdefgh…", text);
        Assert.Equal(text, Encoding.UTF8.GetString(new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text)));
    }

    [Fact]
    public void A_shortened_text_keeps_a_whole_emoji_before_the_cut()
    {
        var text = HtmlText.Of("abcdefg😀 and more words after it", maxLength: 10)!;

        Assert.Equal("abcdefg😀…", text);
    }

    [Theory]
    [InlineData("  one \t two\n\nthree  ", "one two three")]
    [InlineData("\u00A0non\u2003breaking\u3000spaces\u00A0", "non breaking spaces")]
    [InlineData("<p>first</p><p>second</p>  <div> third\n</div>", "first second third")]
    [InlineData("a&nbsp;&amp;&#x20;b", "a & b")]
    [InlineData("<br><br>", null)]
    [InlineData(" \u2028 ", null)]
    public void White_space_runs_become_one_space_and_the_ends_none(string html, string? text)
        => Assert.Equal(text, HtmlText.Of(html));

    /// <summary>
    /// The text is what splitting on white space and joining with single spaces gives, shortened the same way, on
    /// many generated texts of words, spaces of every kind and emoji, at every length limit around their size.
    /// </summary>
    [Fact]
    public void Collapsing_white_space_gives_what_splitting_and_joining_gives()
    {
        string[] pieces = ["word", "a", "😀", " ", "  ", "\t", "\n", "\u00A0", "\u2003", "\u3000", "\r\n", "x😀", "é"];
        var random = new Random(15);
        for (var sample = 0; sample < 2000; sample++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => pieces[random.Next(pieces.Length)]));
            var joined = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            for (var maxLength = 2; maxLength <= joined.Length + 2; maxLength++)
            {
                Assert.Equal(Shortened(joined, maxLength), HtmlText.Of(text, maxLength));
            }
        }
    }

    [Fact]
    public void A_text_that_needs_nothing_done_is_the_same_instance()
    {
        var text = "Already plain and collapsed";

        Assert.Same(text, HtmlText.Of(text));
    }

    /// <summary>
    /// Text with character references and no markup (most titles of blogs) is decoded without a document: what it
    /// gives must be what the HTML parser reads, references that the standard remaps or leaves alone included.
    /// </summary>
    [Theory]
    [InlineData("It&#8217;s here &#8211; now")]
    [InlineData("Tom &amp; Jerry&nbsp;&hellip;")]
    [InlineData("&#x1F600; &#X41;&#65;")]
    [InlineData("AT&T and R&D")]
    [InlineData("&amp &copy; &notin; &notit;")]
    [InlineData("&#150; &#0; &#xD800; &#1114112;")]
    [InlineData("a &lt;b&gt; c")]
    [InlineData("  spaced &quot;out&quot;\t ")]
    public void References_without_markup_read_as_the_parser_reads_them(string html)
    {
        using var document = new HtmlParser().ParseDocument("<body>" + html);
        var parsed = string.Join(' ', document.Body!.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(parsed.Length == 0 ? null : parsed, HtmlText.Of(html));
    }

    /// <summary>An article's text is plain already: its "&lt;div&gt;" or "&amp;amp;" are what it says, not markup to read again.</summary>
    [Theory]
    [InlineData("Write <div> & then &amp; in your page", "Write <div> & then &amp; in your page")]
    [InlineData("  a<b  and\nc ", "a<b and c")]
    [InlineData(" \n ", null)]
    public void Plain_text_keeps_its_characters(string text, string? expected)
        => Assert.Equal(expected, HtmlText.OfText(text, 280));

    [Fact]
    public void Plain_text_is_shortened_as_markup_is()
        => Assert.Equal(HtmlText.Of("one two three four", 10), HtmlText.OfText("one two three four", 10));

    private static string? Shortened(string text, int maxLength)
    {
        if (text.Length > maxLength)
        {
            var cut = char.IsHighSurrogate(text[maxLength - 2]) ? maxLength - 2 : maxLength - 1;
            text = string.Concat(text.AsSpan(0, cut).TrimEnd(), "…");
        }

        return text.Length == 0 ? null : text;
    }
}
