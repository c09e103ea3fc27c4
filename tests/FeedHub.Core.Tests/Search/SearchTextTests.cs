using FeedHub.Core.Model;
using FeedHub.Core.Search;

namespace FeedHub.Core.Tests.Search;

public sealed class SearchTextTests
{
    [Theory]
    [InlineData("<p>Hello <b>world</b></p><p>again</p>", "Hello world again")]
    [InlineData("<p>Caf&eacute; &amp; th&#233;&nbsp;noir</p>", "Café & thé noir")]
    [InlineData("<a title=\"a > b\" href='x'>link</a> text", "link text")]
    [InlineData("plain\n\n text", "plain text")]
    [InlineData("<p>unclosed <b", "unclosed")]
    [InlineData("", "")]
    public void Html_becomes_words_separated_by_single_spaces(string html, string text)
        => Assert.Equal(text, SearchText.FromHtml(html));

    [Fact]
    public void The_body_is_the_extracted_text_else_the_content_else_the_summary_within_the_budget()
    {
        var article = new Article { Key = "k", ContentHash = "h", Summary = "<p>summary</p>", Content = "<p>content</p>" };
        Assert.Equal("content", SearchText.Body(article));
        article.Content = null;
        Assert.Equal("summary", SearchText.Body(article));
        article.ExtractedText = new string('x', SearchText.MaxBodyLength + 10);
        Assert.Equal(SearchText.MaxBodyLength, SearchText.Body(article).Length);
        Assert.Equal(SearchText.MaxBodyLength, SearchText.FromHtml("<p>" + new string('y', SearchText.MaxBodyLength * 2) + "</p>").Length);
    }

    [Theory]
    [InlineData("en", "english")]
    [InlineData("en-US", "english")]
    [InlineData("FR_ca", "french")]
    [InlineData("de", "german")]
    [InlineData("ar-EG", "arabic")]
    [InlineData("he", "simple")]
    [InlineData("ja", "simple")]
    [InlineData(null, "simple")]
    [InlineData("english", "simple")]
    public void Languages_pick_their_rules(string? tag, string rules) => Assert.Equal(rules, SearchLanguages.For(tag));

    [Fact]
    public void Highlights_are_encoded_and_cut_around_the_densest_matches()
    {
        var text = "<i>Intro</i> & " + string.Join(' ', Enumerable.Repeat("filler", 60)) + " the cat sat on the cat mat " + string.Join(' ', Enumerable.Repeat("tail", 60));
        var cat = text.IndexOf("cat", StringComparison.Ordinal);
        var second = text.IndexOf("cat", cat + 1, StringComparison.Ordinal);

        var highlight = SearchHighlighter.Build(text, [new TextMatch(second, 3), new TextMatch(cat, 3), new TextMatch(0, 3)]);

        Assert.Equal(2, highlight.Fragments.Count);
        Assert.StartsWith("<mark>&lt;i&gt;</mark>Intro&lt;/i&gt; &amp; filler", highlight.Fragments[0], StringComparison.Ordinal);
        Assert.Contains("the <mark>cat</mark> sat on the <mark>cat</mark> mat", highlight.Fragments[1], StringComparison.Ordinal);
        Assert.StartsWith("…", highlight.Fragments[1], StringComparison.Ordinal);
        Assert.EndsWith("…", highlight.Fragments[1], StringComparison.Ordinal);
        Assert.Equal(["<i>", "cat"], highlight.MatchedWords);
        Assert.Empty(SearchHighlighter.Build("", []).Fragments);
        Assert.Equal(["no match here"], SearchHighlighter.Build("no match here", []).Fragments);
    }
}
