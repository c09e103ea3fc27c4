using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task Sources_added_together_are_each_stored_as_an_add_would_store_it()
    {
        var before = await Store.AddSourceAsync(NewSource("https://taken.example/feed"), default);
        var batch = await Store.AddImportBatchAsync(new ImportBatch { Origin = "list.opml", CreatedAt = T0 }, default);
        string[] urls = ["https://a.example/feed", "https://TAKEN.example/feed#top", "https://b.example/feed", "https://A.example:443/feed", "https://c.example/feed"];
        var listed = urls.Select(NewSource).ToArray();
        foreach (var source in listed)
        {
            source.ImportBatch = batch.Id;
        }

        (listed[2].State, listed[2].DisplayName, listed[2].MinInterval, listed[2].Categories) = (SourceState.Paused, "Bee", TimeSpan.FromMinutes(30), ["Art"]);
        var versionBefore = await Store.GetVersionAsync(default);

        var stored = await Store.AddSourcesAsync(listed, default);

        // Each stored source comes back itself with its id; one at an address taken, before or earlier in the list, gets
        // the source there and stays unstored.
        Assert.Equal(listed.Length, stored.Count);
        Assert.Equal([true, false, true, false, true], listed.Select((source, i) => ReferenceEquals(source, stored[i])));
        Assert.Equal((before.Id, listed[0].Id), (stored[1].Id, stored[3].Id));
        Assert.Equal((0L, 0L), (listed[1].Id, listed[3].Id));
        Assert.NotEqual(versionBefore, await Store.GetVersionAsync(default));

        Store = await ReopenAsync(Store);
        var all = await Store.ListSourcesAsync(default);
        Assert.Equal([before.Id, listed[0].Id, listed[2].Id, listed[4].Id], all.Select(s => s.Id).Order());
        var paused = all.Single(s => s.Id == listed[2].Id);
        Assert.Equal(("https://b.example/feed", SourceState.Paused, "Bee", TimeSpan.FromMinutes(30), batch.Id), (paused.FeedUrl, paused.State, paused.DisplayName, paused.MinInterval, paused.ImportBatch));
        Assert.Equal(["Art"], paused.Categories);
        Assert.Equal(3, (await Store.GetImportBatchAsync(batch.Id, default))!.Remaining);
        var tallies = await Store.GetTalliesAsync(default);
        Assert.Equal((3, 1), (tallies.ByHealth[HealthStatus.New], tallies.ByHealth[HealthStatus.Paused]));
        Assert.Equal(3, tallies.Categories.Single(c => c.Name == "Tech").Sources);
        Assert.Equal(listed[4].Id, (await Store.FindSourceByFeedUrlAsync("https://c.example/feed", default))?.Id);
    }

    [Fact]
    public async Task Undoing_an_import_removes_its_remaining_sources_with_their_articles_and_nothing_else()
    {
        var before = await Store.AddSourceAsync(NewSource("https://kept.example/feed"), default);
        var first = await Store.AddImportBatchAsync(new ImportBatch { Origin = "list.opml", CreatedAt = T0 }, default);
        var second = await Store.AddImportBatchAsync(new ImportBatch { Origin = "API", CreatedAt = T0.AddMinutes(1) }, default);
        var imported = new List<Source>();
        foreach (var (url, batch) in new[] { ("https://a.example/feed", first), ("https://b.example/feed", first), ("https://c.example/feed", first), ("https://d.example/feed", second) })
        {
            var source = NewSource(url);
            source.ImportBatch = batch.Id;
            imported.Add(await Store.AddSourceAsync(source, default));
        }

        first.Added = 3;
        await Store.UpdateImportBatchAsync(first, default);
        await Store.SaveArticlesAsync([NewArticle(imported[0].Id, "a1", T0), NewArticle(imported[1].Id, "b1", T0), NewArticle(imported[3].Id, "d1", T0), NewArticle(before.Id, "k1", T0)], [], default);
        await Store.RemoveSourceAsync(imported[2].Id, keepArticles: false, default);
        Store = await ReopenAsync(Store);

        var listed = await Store.ListImportBatchesAsync(10, default);
        Assert.Equal([second.Id, first.Id], listed.Select(b => b.Id));
        Assert.Equal(("list.opml", 3, 2), (listed[1].Origin, listed[1].Added, listed[1].Remaining));
        Assert.Equal(T0, listed[1].CreatedAt);
        Assert.Equal(first.Id, (await Store.GetSourceAsync(imported[0].Id, default))!.ImportBatch);
        Assert.Null((await Store.GetSourceAsync(before.Id, default))!.ImportBatch);
        var versionBefore = await Store.GetVersionAsync(default);

        var removed = await Store.RemoveImportBatchAsync(first.Id, default);

        Assert.Equal([imported[0].Id, imported[1].Id], removed!.Order());
        Assert.Null(await Store.RemoveImportBatchAsync(first.Id, default));
        Assert.Null(await Store.GetImportBatchAsync(first.Id, default));
        Assert.NotEqual(versionBefore, await Store.GetVersionAsync(default));
        Assert.Equal([before.Id, imported[3].Id], (await Store.ListSourcesAsync(default)).Select(s => s.Id));
        Assert.Equal(2, await Store.CountArticlesAsync(null, default));
        Assert.Equal(1, (await Store.GetImportBatchAsync(second.Id, default))!.Remaining);
    }

    [Fact]
    public async Task Undoing_an_import_hands_its_stories_to_the_sources_left_and_leaves_its_articles_out_of_search()
    {
        var batch = await Store.AddImportBatchAsync(new ImportBatch { Origin = "list.opml", CreatedAt = T0 }, default);
        var imported = new List<Source>();
        foreach (var url in new[] { "https://a.example/feed", "https://b.example/feed" })
        {
            var source = NewSource(url);
            source.ImportBatch = batch.Id;
            imported.Add(await Store.AddSourceAsync(source, default));
        }

        var kept = await Store.AddSourceAsync(NewSource("https://kept.example/feed"), default);
        var told = new List<Article>();
        foreach (var sourceId in new[] { imported[0].Id, imported[1].Id, kept.Id })
        {
            var article = StoryArticle(sourceId, "id:1", T0, "https://news.example/story");
            article.Title = "Lighthouse keepers";
            await Store.SaveArticlesAsync([article], [], default);
            told.Add(article);
        }

        Assert.Equal(told[0].Id, (await Store.GetArticleAsync(told[2].Id, default))?.DuplicateOf);

        await Store.RemoveImportBatchAsync(batch.Id, default);

        Assert.Null((await Store.GetArticleAsync(told[2].Id, default))?.DuplicateOf);
        Assert.Equal([told[2].Id], (await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true }, default)).Select(x => x.Id));
        Assert.Equal([told[2].Id], (await Store.ListStoryMembersAsync([told[2].Id], default)).Select(m => m.ArticleId));
        Assert.Equal([told[2].Id], (await Store.ListArticlesAsync(new ArticleQuery { Search = Parse("lighthouse"), Limit = 10 }, default)).Select(x => x.Id));
    }
}
