using FeedHub.Core.Model;

namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task Pending_pages_are_the_articles_still_waiting_for_their_page_in_id_order_and_in_pages()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var articles = Enumerable.Range(0, 6).Select(i => NewArticle(source.Id, $"post-{i}", T0.AddMinutes(i))).ToList();
        articles[0].Extraction = ExtractionState.Pending;
        articles[1].Extraction = ExtractionState.Ok;
        articles[2].Extraction = ExtractionState.Pending;
        articles[3].Extraction = ExtractionState.Pending;
        articles[4].Extraction = ExtractionState.Failed;
        articles[5].Extraction = ExtractionState.Pending;
        await Store.SaveArticlesAsync(articles, [], default);

        // One is done meanwhile; the file or database is then opened again, as by a worker that starts.
        articles[3].Extraction = ExtractionState.Ok;
        await Store.SaveArticlesAsync([], [articles[3]], default);
        Store = await ReopenAsync(Store);

        var first = await Store.ListPendingPagesAsync(0, 2, default);
        var rest = await Store.ListPendingPagesAsync(first[^1].ArticleId, 2, default);

        Assert.Equal([articles[0].Id, articles[2].Id], first.Select(p => p.ArticleId));
        Assert.Equal([articles[5].Id], rest.Select(p => p.ArticleId));
        Assert.Equal(articles[5].Link, rest[0].Link);
        Assert.Empty(await Store.ListPendingPagesAsync(articles[5].Id, 2, default));
    }

    [Fact]
    public async Task The_pending_pages_of_a_removed_source_are_forgotten_with_its_articles()
    {
        var removed = await Store.AddSourceAsync(NewSource("https://removed.example/feed"), default);
        var kept = await Store.AddSourceAsync(NewSource("https://kept.example/feed"), default);
        var gone = Enumerable.Range(0, 3).Select(i => NewArticle(removed.Id, $"gone-{i}", T0)).ToList();
        var waiting = NewArticle(kept.Id, "waiting", T0);
        foreach (var article in gone.Append(waiting))
        {
            article.Extraction = ExtractionState.Pending;
        }

        await Store.SaveArticlesAsync(gone, [], default);
        await Store.SaveArticlesAsync([waiting], [], default);

        await Store.RemoveSourceAsync(removed.Id, keepArticles: false, default);
        Store = await ReopenAsync(Store);

        // A page of one: what the removed source left must not take the place of the article still waiting.
        Assert.Equal([waiting.Id], (await Store.ListPendingPagesAsync(0, 1, default)).Select(p => p.ArticleId));
    }
}
