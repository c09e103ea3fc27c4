using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>Stories and entry ids: what the river and the feeds rely on, on every store.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_new_article_holding_another_sources_story_key_is_a_duplicate_of_its_first_article()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var c = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        var first = StoryArticle(a.Id, "id:1", T0, "https://news.example/story");
        await Store.SaveArticlesAsync([first], [], default);

        var again = StoryArticle(b.Id, "id:x", T0.AddHours(1), "http://www.news.example/story/?utm_source=b");
        var sameSourceSameStory = StoryArticle(a.Id, "id:2", T0.AddHours(2), "https://news.example/story");
        await Store.SaveArticlesAsync([again], [], default);
        await Store.SaveArticlesAsync([sameSourceSameStory], [], default);

        // c shares a key only with b's copy: it joins the story b joined, not a story of its own.
        var third = StoryArticle(c.Id, "id:https://news.example/story", T0.AddHours(3), "https://mirror.example/story");
        await Store.SaveArticlesAsync([third], [], default);
        Store = await ReopenAsync(Store);

        Assert.Null((await Store.GetArticleAsync(first.Id, default))?.DuplicateOf);
        Assert.Equal(first.Id, again.DuplicateOf);
        Assert.Equal(first.Id, (await Store.GetArticleAsync(again.Id, default))?.DuplicateOf);
        Assert.Null((await Store.GetArticleAsync(sameSourceSameStory.Id, default))?.DuplicateOf);
        Assert.Equal(first.Id, (await Store.GetArticleAsync(third.Id, default))?.DuplicateOf);

        var members = await Store.ListStoryMembersAsync([first.Id, sameSourceSameStory.Id], default);
        Assert.Equal(
            [new StoryMember(first.Id, a.Id, first.Id), new StoryMember(again.Id, b.Id, first.Id), new StoryMember(sameSourceSameStory.Id, a.Id, sameSourceSameStory.Id), new StoryMember(third.Id, c.Id, first.Id)],
            members);
    }

    [Fact]
    public async Task The_river_of_stories_holds_leaders_only_and_pages_through_them_exactly()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var own = Enumerable.Range(0, 23).Select(i => StoryArticle(a.Id, $"id:a{i}", T0.AddHours(-(i / 2)), $"https://a.example/{i}")).ToList();
        await Store.SaveArticlesAsync(own, [], default);
        var copies = Enumerable.Range(0, 23).Where(i => i % 3 == 0).Select(i => StoryArticle(b.Id, $"id:b{i}", T0.AddHours(1), $"https://a.example/{i}")).ToList();
        var others = Enumerable.Range(0, 5).Select(i => StoryArticle(b.Id, $"id:other{i}", T0.AddMinutes(-30 * i), $"https://b.example/{i}")).ToList();
        await Store.SaveArticlesAsync([.. copies, .. others], [], default);

        var seen = new List<Article>();
        ArticleCursor? cursor = null;
        while (true)
        {
            var page = await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true, Before = cursor, Limit = 7 }, default);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count == 7 || seen.Count + page.Count == 28);
            seen.AddRange(page);
            cursor = ArticleCursor.Of(page[^1]);
        }

        Assert.Equal(own.Concat(others).Select(x => x.Id).Order(), seen.Select(x => x.Id).Order());
        Assert.Equal(seen.OrderByDescending(x => x.SortDate).ThenByDescending(x => x.Id).Select(x => x.Id), seen.Select(x => x.Id));
        Assert.All(copies, copy => Assert.NotNull(copy.DuplicateOf));
        Assert.Equal(28, (await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true, From = T0.AddDays(-1), Limit = 100 }, default)).Count);
        Assert.Equal(own.Count + copies.Count + others.Count, (await Store.ListArticlesAsync(new ArticleQuery { Limit = 100 }, default)).Count);
    }

    [Fact]
    public async Task Removing_the_source_that_told_a_story_first_hands_the_story_to_the_next_one()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var c = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        var first = StoryArticle(a.Id, "id:1", T0, "https://news.example/story");
        await Store.SaveArticlesAsync([first], [], default);
        var second = StoryArticle(b.Id, "id:1", T0, "https://news.example/story");
        await Store.SaveArticlesAsync([second], [], default);
        var third = StoryArticle(c.Id, "id:1", T0, "https://news.example/story");
        await Store.SaveArticlesAsync([third], [], default);

        Assert.True(await Store.RemoveSourceAsync(a.Id, keepArticles: false, default));

        Assert.Null((await Store.GetArticleAsync(second.Id, default))?.DuplicateOf);
        Assert.Equal(second.Id, (await Store.GetArticleAsync(third.Id, default))?.DuplicateOf);
        Assert.Equal([second.Id], (await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true }, default)).Select(x => x.Id));
        Assert.Equal([second.Id, third.Id], (await Store.ListStoryMembersAsync([second.Id], default)).Select(m => m.ArticleId));
    }

    [Fact]
    public async Task A_leader_whose_page_shows_an_older_story_joins_it_on_update_unless_others_joined_it()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var c = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        var original = StoryArticle(a.Id, "id:1", T0, "https://news.example/story");
        await Store.SaveArticlesAsync([original], [], default);
        var proxied = StoryArticle(b.Id, "id:2", T0, "https://proxy.example/r/42");
        var other = StoryArticle(b.Id, "id:3", T0, "https://proxy.example/r/43");
        await Store.SaveArticlesAsync([proxied, other], [], default);
        var joinedOther = StoryArticle(c.Id, "id:4", T0, "https://proxy.example/r/43");
        await Store.SaveArticlesAsync([joinedOther], [], default);

        // Their pages turn out to be the original story (a canonical URL, a redirect).
        foreach (var article in new[] { proxied, other })
        {
            var stored = (await Store.GetArticleAsync(article.Id, default))!;
            stored.StoryKeys = [.. stored.StoryKeys.Union(StoryIdentity.KeysOf(null, null, "https://news.example/story"))];
            await Store.SaveArticlesAsync([], [stored], default);
        }

        Assert.Equal(original.Id, (await Store.GetArticleAsync(proxied.Id, default))?.DuplicateOf);
        Assert.Null((await Store.GetArticleAsync(other.Id, default))?.DuplicateOf);
        Assert.Equal(other.Id, (await Store.GetArticleAsync(joinedOther.Id, default))?.DuplicateOf);
        Assert.Equal([original.Id, other.Id], (await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true }, default)).Select(x => x.Id).Order());
    }

    [Fact]
    public async Task A_story_stored_with_keys_from_before_keys_were_placed_merges_with_new_articles_holding_placed_keys()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var c = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        // As a FeedHub from before stored it (and as `migrate` copies such a store): the story's digest alone.
        var old = StoryArticle(a.Id, "id:1", T0, "https://news.example/2026/11/story");
        old.StoryKeys = old.StoryKeys.ConvertAll(StoryIdentity.StoryOf);
        await Store.SaveArticlesAsync([old], [], default);
        Store = await ReopenAsync(Store);

        var told = StoryArticle(b.Id, "id:x", T0.AddHours(1), "http://www.news.example/2026/11/story/?utm_source=b");
        await Store.SaveArticlesAsync([told], [], default);

        // Its feed entry edited, the old article is stored again with the placed form of its key: stories go on merging.
        var edited = (await Store.GetArticleAsync(old.Id, default))!;
        edited.Title = "Edited";
        edited.StoryKeys = StoryIdentity.Union(edited.StoryKeys, StoryIdentity.KeysOf(edited.Link, StoryIdentity.FeedIdOf(edited.Key), canonicalUrl: null));
        await Store.SaveArticlesAsync([], [edited], default);
        var third = StoryArticle(c.Id, "id:y", T0.AddHours(2), "https://news.example/2026/11/story");
        await Store.SaveArticlesAsync([third], [], default);

        Assert.Equal(old.Id, told.DuplicateOf);
        Assert.Equal(old.Id, (await Store.GetArticleAsync(told.Id, default))?.DuplicateOf);
        Assert.All((await Store.GetArticleAsync(old.Id, default))!.StoryKeys, key => Assert.True(StoryIdentity.IsPlaced(key)));
        Assert.Equal(old.Id, third.DuplicateOf);
        Assert.Equal([old.Id], (await Store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true }, default)).Select(x => x.Id));
    }

    [Fact]
    public async Task Every_stored_article_has_an_entry_id_that_updates_never_change()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var minted = StoryArticle(source.Id, "id:1", T0, "https://a.example/1");
        minted.EntryId = "tag:planet.example.org,2026-11-20:source/1/abc";
        var unminted = StoryArticle(source.Id, "id:2", T0, "https://a.example/2");
        await Store.SaveArticlesAsync([minted, unminted], [], default);
        var mintedByStore = (await Store.GetArticleAsync(unminted.Id, default))?.EntryId;

        var edited = (await Store.GetArticleAsync(minted.Id, default))!;
        edited.Title = "Edited";
        edited.EntryId = "tag:other.example,2026-11-21:changed";
        edited.DuplicateOf = unminted.Id;
        await Store.SaveArticlesAsync([], [edited], default);
        Store = await ReopenAsync(Store);

        var stored = await Store.GetArticleAsync(minted.Id, default);
        Assert.Equal("Edited", stored?.Title);
        Assert.Equal("tag:planet.example.org,2026-11-20:source/1/abc", stored?.EntryId);
        Assert.Null(stored?.DuplicateOf);
        Assert.StartsWith("tag:feedhub-", mintedByStore, StringComparison.Ordinal);
        Assert.Contains(",2026-11-20:source/", mintedByStore, StringComparison.Ordinal);
        Assert.Equal(mintedByStore, (await Store.GetArticleAsync(unminted.Id, default))?.EntryId);
        Assert.Equal(mintedByStore, EntryIds.Mint(await EntryIds.InstallationAuthorityAsync(Store, default), T0, source.Id, "id:2"));
    }

    [Fact]
    public async Task Entry_ids_minted_after_a_failed_first_write_use_the_authority_the_store_keeps()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        // The installation's first write of articles fails (one key twice) and nothing of it is kept.
        await Assert.ThrowsAnyAsync<Exception>(() => Store.SaveArticlesAsync(
            [StoryArticle(source.Id, "id:same", T0, "https://a.example/1"), StoryArticle(source.Id, "id:same", T0, "https://a.example/2")], [], default));

        var saved = StoryArticle(source.Id, "id:1", T0, "https://a.example/1");
        await Store.SaveArticlesAsync([saved], [], default);
        Store = await ReopenAsync(Store);

        // The digest feed and every later process mint with the kept authority: so must what was stored.
        var kept = await EntryIds.InstallationAuthorityAsync(Store, default);
        Assert.Equal(EntryIds.Mint(kept, T0, source.Id, "id:1"), (await Store.GetArticleAsync(saved.Id, default))?.EntryId);
    }

    private static Article StoryArticle(long sourceId, string key, DateTimeOffset published, string link)
    {
        var article = NewArticle(sourceId, key, published);
        article.Link = link;
        article.StoryKeys = StoryIdentity.KeysOf(link, StoryIdentity.FeedIdOf(key), canonicalUrl: null);
        return article;
    }
}
