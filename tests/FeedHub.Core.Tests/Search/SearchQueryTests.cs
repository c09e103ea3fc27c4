using FeedHub.Core.Search;

namespace FeedHub.Core.Tests.Search;

public sealed class SearchQueryTests
{
    [Theory]
    [InlineData("apple", "\"apple\"")]
    [InlineData("  red   apple ", "\"red\" \"apple\"")]
    [InlineData("\"red apple\" pie", "\"red apple\" \"pie\"")]
    [InlineData("apple -banana -\"green pear\"", "\"apple\" -\"banana\" -\"green pear\"")]
    [InlineData("tea OR coffee cake", "\"tea\" OR \"coffee\" \"cake\"")]
    [InlineData("or and not", "\"or\" \"and\" \"not\"")]
    [InlineData("OR apple OR", "\"apple\"")]
    [InlineData("\"unclosed phrase here", "\"unclosed phrase here\"")]
    [InlineData("“curly quotes” «guillemets»", "\"curly quotes\" \"guillemets\"")]
    [InlineData("appl* f?o (x:y) +z ~w^2 [a TO b]", "\"appl\" \"f o\" \"x y\" \"z\" \"w 2\" \"a\" \"TO\" \"b\"")]
    [InlineData("l'avion e-mail node.js C++ café", "\"l'avion\" \"e-mail\" \"node.js\" \"C\" \"café\"")]
    [InlineData("Häuser 東京タワー", "\"Häuser\" \"東京タワー\"")]
    [InlineData("a - b", "\"a\" \"b\"")]
    [InlineData("apple apple", "\"apple\"")]
    public void Web_search_syntax_is_read_into_quoted_terms(string text, string canonical)
    {
        Assert.True(SearchQuery.TryParse(text, out var query, out var problem), problem);

        Assert.Equal(canonical, query.ToString());
    }

    [Fact]
    public void Groups_alternatives_and_exclusions_are_kept_apart()
    {
        Assert.True(SearchQuery.TryParse("tea OR \"green coffee\" cake -milk", out var query, out _));

        Assert.Equal(2, query.Required.Count);
        Assert.Equal(["tea", "green coffee"], query.Required[0].Select(t => t.Text));
        Assert.True(query.Required[0][1].IsPhrase);
        Assert.Equal(["milk"], query.Excluded.Select(t => t.Text));
        Assert.Equal("tea OR \"green coffee\" cake -milk", query.Describe());
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("   ", "empty")]
    [InlineData("***", "no word to search for")]
    [InlineData("\"\" ?? ()", "no word to search for")]
    [InlineData("-spam -\"more spam\"", "at least one word to find")]
    [InlineData("OR OR OR", "no word to search for")]
    public void Nothing_to_search_for_is_refused_with_a_reason(string? text, string reason)
    {
        Assert.False(SearchQuery.TryParse(text, out _, out var problem));

        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_queries_and_floods_of_words_are_refused()
    {
        Assert.False(SearchQuery.TryParse(new string('a', SearchQuery.MaxLength + 1), out _, out var tooLong));
        Assert.False(SearchQuery.TryParse(string.Join(' ', Enumerable.Range(0, SearchQuery.MaxWords + 1).Select(i => "w" + i)), out _, out var tooMany));
        Assert.False(SearchQuery.TryParse(string.Concat(Enumerable.Repeat("a*", 100)), out _, out var wildcards));

        Assert.Contains("at most 256", tooLong, StringComparison.Ordinal);
        Assert.Contains("at most 16", tooMany, StringComparison.Ordinal);
        Assert.Contains("at most 16", wildcards, StringComparison.Ordinal);
        Assert.True(SearchQuery.TryParse(string.Join(' ', Enumerable.Range(0, SearchQuery.MaxWords).Select(i => "w" + i)), out _, out _));
    }
}
