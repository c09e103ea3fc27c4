using FeedHub.Core.Polling;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>A digest day's posts read narrowly: the fields the digest shows, for a period, newest first, at most a limit.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_periods_posts_carry_what_the_digest_shows_newest_first_within_its_exact_bounds()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var start = new DateTimeOffset(T0.Date, TimeSpan.Zero);
        var end = start.AddDays(1);
        var before = NewArticle(a.Id, "id:before", start.AddMilliseconds(-1));
        var first = NewArticle(a.Id, "id:first", start);
        var described = NewArticle(b.Id, "id:described", start.AddHours(5));
        described.Author = "Zoé";
        described.Language = "fr";
        described.ChangedAt = T0.AddMinutes(7);
        var untitled = NewArticle(a.Id, "id:untitled", start.AddHours(5));
        untitled.Title = null;
        untitled.Link = null;
        var last = NewArticle(b.Id, "id:last", end.AddMilliseconds(-1));
        var after = NewArticle(b.Id, "id:after", end);
        await Store.SaveArticlesAsync([before, first, described, untitled, last, after], [], default);
        Store = await ReopenAsync(Store);

        var posts = await Store.ListDigestPostsAsync(new TimeRange(start, end), 2000, default);

        // Sort date then id, newest first, as the river orders them; the period's start is in it, its end is not.
        Assert.Equal([last.Id, untitled.Id, described.Id, first.Id], posts.Select(p => p.Id));
        Assert.Equal(
            new DigestPost(described.Id, b.Id, "Post id:described", "https://a.example/id%3Adescribed", "Zoé", "fr", start.AddHours(5), T0.AddMinutes(7)),
            posts[2]);
        Assert.Equal(new DigestPost(untitled.Id, a.Id, null, null, null, null, start.AddHours(5), T0), posts[1]);

        Assert.Equal([last.Id, untitled.Id], (await Store.ListDigestPostsAsync(new TimeRange(start, end), 2, default)).Select(p => p.Id));
        Assert.Empty(await Store.ListDigestPostsAsync(new TimeRange(start.AddHours(6), start.AddHours(7)), 2000, default));
        Assert.Empty(await Store.ListDigestPostsAsync(new TimeRange(end, start), 2000, default));
    }

    [Fact]
    public async Task A_periods_posts_name_the_first_article_of_the_story_of_another_sources_copy()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var first = StoryArticle(a.Id, "id:1", T0, "https://news.example/story");
        await Store.SaveArticlesAsync([first], [], default);
        var copy = StoryArticle(b.Id, "id:x", T0.AddHours(1), "https://news.example/story");
        await Store.SaveArticlesAsync([copy], [], default);
        Store = await ReopenAsync(Store);

        var posts = await Store.ListDigestPostsAsync(new TimeRange(T0.AddHours(-1), T0.AddHours(2)), 2000, default);

        Assert.Equal([(copy.Id, (long?)first.Id), (first.Id, null)], posts.Select(p => (p.Id, p.DuplicateOf)));
    }

    [Fact]
    public async Task Source_headings_carry_the_name_readers_see_and_the_categories_in_order()
    {
        var titled = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var renamed = NewSource("https://b.example/feed");
        renamed.DisplayName = "Le blog de Zoé";
        renamed.Categories = ["Science", "Tech"];
        renamed = await Store.AddSourceAsync(renamed, default);
        var nameless = NewSource("https://c.example/feed");
        nameless.Title = null;
        nameless.Categories = [];
        nameless = await Store.AddSourceAsync(nameless, default);
        Store = await ReopenAsync(Store);

        var headings = (await Store.GetSourceHeadingsAsync([renamed.Id, nameless.Id, titled.Id, renamed.Id, 999_999], default)).OrderBy(h => h.Id).ToList();

        Assert.Equal([titled.Id, renamed.Id, nameless.Id], headings.Select(h => h.Id));
        Assert.Equal(["A blog", "Le blog de Zoé", "c.example"], headings.Select(h => h.Name));
        Assert.Equal(["Tech", "Français"], headings[0].Categories);
        Assert.Equal(["Science", "Tech"], headings[1].Categories);
        Assert.Empty(headings[2].Categories);
        Assert.Empty(await Store.GetSourceHeadingsAsync([], default));

        // A curator's rename is what the next digest shows.
        await ChangeAsync(renamed.Id, stored => stored.DisplayName = "Zoé écrit");
        Assert.Equal("Zoé écrit", Assert.Single(await Store.GetSourceHeadingsAsync([renamed.Id], default)).Name);
    }

    [Fact]
    public async Task Source_headings_follow_every_change_readers_see_after_being_read()
    {
        var retitled = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var recategorised = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var removed = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        var unchanged = await Store.AddSourceAsync(NewSource("https://d.example/feed"), default);
        var notYet = unchanged.Id + 1;
        Assert.Equal(4, (await Store.GetSourceHeadingsAsync([retitled.Id, recategorised.Id, removed.Id, unchanged.Id, notYet], default)).Count);

        // The feed's own title, as a poll learns it; categories and removal, as a curator changes them; a new source.
        await Store.SavePollAsync(new PollResult(retitled.Id) { Fetch = retitled.Fetch, Feed = new LearnedFeed("A new title", "https://a.example/") }, default);
        await ChangeAsync(recategorised.Id, stored => stored.Categories = ["Science"]);
        await Store.RemoveSourceAsync(removed.Id, keepArticles: true, default);
        var added = await Store.AddSourceAsync(NewSource("https://e.example/feed"), default);
        Assert.Equal(notYet, added.Id);

        var headings = (await Store.GetSourceHeadingsAsync([retitled.Id, recategorised.Id, removed.Id, unchanged.Id, notYet], default)).ToDictionary(h => h.Id);
        Assert.Equal([retitled.Id, recategorised.Id, unchanged.Id, added.Id], headings.Keys.Order());
        Assert.Equal("A new title", headings[retitled.Id].Name);
        Assert.Equal(["Science"], headings[recategorised.Id].Categories);
        Assert.Equal("A blog", headings[unchanged.Id].Name);
        Assert.Equal(["Tech", "Français"], headings[unchanged.Id].Categories);
        Assert.Equal("A blog", headings[added.Id].Name);
    }
}
