using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>The river of one source or a few (a source's page, a small category), among others' articles interleaved with theirs.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_river_of_some_sources_among_interleaved_ones_is_paged_by_cursor_in_order()
    {
        var (articles, a, b, c) = await SaveInterleavedAsync();
        Store = await ReopenAsync(Store);

        foreach (var sources in new long[][] { [a], [c], [b, c], [a, b, c, a] })
        {
            var expected = NewestFirst(articles.Where(x => sources.Contains(x.SourceId)));
            Assert.Equal(expected, await PageThroughAsync(new ArticleQuery { SourceIds = sources, Limit = 7 }));

            // A page after a cursor (as the next page's link gives it) starts just below it, even among equal dates.
            var at = expected[expected.Count / 3];
            var cursor = ArticleCursor.Of(articles.Single(x => x.Id == at));
            var page = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = sources, Before = cursor, Limit = 5 }, default);
            Assert.Equal(expected.SkipWhile(id => id != at).Skip(1).Take(5), page.Select(x => x.Id));

            // A window of time (a source's recent articles): from its start inclusive to its end exclusive.
            var from = T0.AddMinutes(-15);
            var to = T0.AddMinutes(-5);
            var window = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = sources, From = from, To = to, Limit = 1000 }, default);
            Assert.Equal(NewestFirst(articles.Where(x => sources.Contains(x.SourceId) && x.SortDate >= from && x.SortDate < to)), window.Select(x => x.Id));
        }
    }

    [Fact]
    public async Task A_river_of_stories_of_some_sources_passes_over_their_duplicates()
    {
        var (articles, a, b, _) = await SaveInterleavedAsync();
        // a's newest article tells a story b told first: a's own river shows it, a river of stories does not.
        var told = articles.First(x => x.SourceId == b);
        var retold = StoryArticle(a, "id:retold", T0.AddMinutes(1), told.Link!);
        await Store.SaveArticlesAsync([retold], [], default);
        Assert.Equal(told.Id, retold.DuplicateOf);
        articles.Add(retold);

        foreach (var sources in new long[][] { [a], [a, b] })
        {
            var all = NewestFirst(articles.Where(x => sources.Contains(x.SourceId)));
            Assert.Equal(all, await PageThroughAsync(new ArticleQuery { SourceIds = sources, Limit = 4 }));
            Assert.Equal(all.Where(id => id != retold.Id), await PageThroughAsync(new ArticleQuery { SourceIds = sources, StoriesOnly = true, Limit = 4 }));
        }
    }

    /// <summary>
    /// A category's river of 50 sources among others (each source's river sought and merged, in one read of the store):
    /// paged by cursor, it is every article of those sources newest first and no other, its stories pass over the
    /// one that retells a story, and a new article of a source that had none on the first page leads it.
    /// </summary>
    [Fact]
    public async Task A_river_of_fifty_sources_is_paged_by_cursor_in_order_and_leaves_out_the_others()
    {
        var sources = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            sources.Add((await Store.AddSourceAsync(NewSource($"https://s{i}.example/feed"), default)).Id);
        }

        // Fifty of a hundred sources: few enough for the stores to merge each one's river rather than walk everyone's.
        for (var i = 60; i < 100; i++)
        {
            await Store.AddSourceAsync(NewSource($"https://s{i}.example/feed"), default);
        }

        var articles = Enumerable.Range(0, 600)
            .Select(i => StoryArticle(sources[i * 7 % 60], $"id:{i}", T0.AddMinutes(-(i / 3)), $"https://x.example/{i}"))
            .ToList();
        foreach (var batch in articles.Chunk(100))
        {
            await Store.SaveArticlesAsync(batch, [], default);
        }

        var fifty = sources.Take(50).ToArray();
        var retold = StoryArticle(fifty[1], "id:retold", T0.AddMinutes(1), articles.First(x => x.SourceId == fifty[0]).Link!);
        await Store.SaveArticlesAsync([retold], [], default);
        Assert.NotNull(retold.DuplicateOf);
        articles.Add(retold);

        var expected = NewestFirst(articles.Where(x => fifty.Contains(x.SourceId)));
        Assert.Equal(501, expected.Count);
        Assert.Equal(expected, await PageThroughAsync(new ArticleQuery { SourceIds = fifty, Limit = 31 }));
        Assert.Equal(expected.Where(id => id != retold.Id), await PageThroughAsync(new ArticleQuery { SourceIds = fifty, StoriesOnly = true, Limit = 31 }));

        // A quiet source's new article, the newest of all, leads the next read of the river.
        var quiet = articles.Where(x => fifty.Contains(x.SourceId)).MinBy(x => x.SortDate)!.SourceId;
        var latest = StoryArticle(quiet, "id:latest", T0.AddMinutes(2), "https://x.example/latest");
        await Store.SaveArticlesAsync([latest], [], default);
        var first = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = fifty, Limit = 31 }, default);
        Assert.Equal([latest.Id, .. expected.Take(30)], first.Select(x => x.Id));
    }

    /// <summary>
    /// A category that is most of the sources (103 of 120): the stores walk the whole river and keep its sources'
    /// articles rather than merge a river per source; the page is the same.
    /// </summary>
    [Fact]
    public async Task The_river_of_a_category_of_most_sources_keeps_only_its_sources_in_order()
    {
        var sources = new List<Source>();
        for (var i = 0; i < 120; i++)
        {
            sources.Add(await Store.AddSourceAsync(NewSource($"https://blog{i}.example/feed"), default));
        }

        var articles = sources.Select((source, i) => NewArticle(source.Id, "id:1", T0.AddMinutes(-i))).ToList();
        await Store.SaveArticlesAsync(articles, [], default);
        var category = sources.Where((_, i) => i % 7 != 3).Select(s => s.Id).ToList();

        var page = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = category, Before = ArticleCursor.Of(articles[1]), Limit = 20 }, default);

        var expected = articles.Skip(2).Where(a => category.Contains(a.SourceId)).Take(20).Select(a => a.Id);
        Assert.Equal(expected, page.Select(a => a.Id));
    }

    /// <summary>
    /// Three sources' articles interleaved over 23 minutes, several at each minute: a has six in nine, b two, c one,
    /// so one source's page outruns the others' and the merge reads on in a source after the others.
    /// </summary>
    protected async Task<(List<Article> Articles, long A, long B, long C)> SaveInterleavedAsync()
    {
        var a = (await Store.AddSourceAsync(NewSource("https://a.example/feed"), default)).Id;
        var b = (await Store.AddSourceAsync(NewSource("https://b.example/feed"), default)).Id;
        var c = (await Store.AddSourceAsync(NewSource("https://c.example/feed"), default)).Id;
        var articles = Enumerable.Range(0, 90)
            .Select(i => StoryArticle((i % 9) switch { < 6 => a, < 8 => b, _ => c }, $"id:{i}", T0.AddMinutes(-(i / 4)), $"https://x.example/{i}"))
            .ToList();
        // A poll's worth at a time.
        foreach (var batch in articles.Chunk(25))
        {
            await Store.SaveArticlesAsync(batch, [], default);
        }

        return (articles, a, b, c);
    }

    protected async Task<List<long>> PageThroughAsync(ArticleQuery query)
    {
        var seen = new List<long>();
        while (await Store.ListArticlesAsync(query, default) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(x => x.Id));
            query = query with { Before = ArticleCursor.Of(page[^1]) };
        }

        return seen;
    }

    protected static List<long> NewestFirst(IEnumerable<Article> articles)
        => articles.OrderByDescending(x => x.SortDate).ThenByDescending(x => x.Id).Select(x => x.Id).ToList();
}
