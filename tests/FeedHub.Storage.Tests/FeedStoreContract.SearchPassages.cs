using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>The passages a search shows are the article's text as written, whatever it looks like.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_passage_keeps_text_that_looks_like_markup()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var article = SearchArticle(source.Id, "id:markup", T0, "She runs along the river, <b>fast</b> & far, past a <script> sign.", "en");
        await Store.SaveArticlesAsync([article], [], default);
        var query = Parse("running");
        var found = await Store.ListArticlesAsync(new ArticleQuery { Search = query }, default);

        var highlight = (await Store.HighlightAsync(query, found, default))[article.Id];

        var fragment = Assert.Single(highlight.Fragments);
        Assert.EndsWith("<mark>runs</mark> along the river, &lt;b&gt;fast&lt;/b&gt; &amp; far, past a &lt;script&gt; sign.", fragment, StringComparison.Ordinal);
    }
}
