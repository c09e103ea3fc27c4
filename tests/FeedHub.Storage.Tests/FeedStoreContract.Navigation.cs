using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>Steps along the river (days with posts, the nearest post, the next story): what the digest and article pages rely on.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task The_nearest_article_is_found_across_empty_stretches_in_both_directions()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var early = T0.AddDays(-30);
        var late = T0.AddDays(-2);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:early", early), NewArticle(source.Id, "id:late", late)], [], default);
        Store = await ReopenAsync(Store);

        Assert.Equal(late, await Store.FindNearestArticleDateAsync(T0, TimeDirection.Older, default));
        Assert.Equal(early, await Store.FindNearestArticleDateAsync(late, TimeDirection.Older, default));
        Assert.Null(await Store.FindNearestArticleDateAsync(early, TimeDirection.Older, default));

        Assert.Equal(early, await Store.FindNearestArticleDateAsync(early, TimeDirection.Newer, default));
        Assert.Equal(late, await Store.FindNearestArticleDateAsync(early.AddMilliseconds(1), TimeDirection.Newer, default));
        Assert.Null(await Store.FindNearestArticleDateAsync(late.AddMilliseconds(1), TimeDirection.Newer, default));
    }

    [Fact]
    public async Task Periods_with_articles_are_told_apart_from_empty_ones_at_their_exact_bounds()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var day = T0.Date;
        await Store.SaveArticlesAsync(
            [NewArticle(source.Id, "id:1", new DateTimeOffset(day, TimeSpan.Zero).AddDays(1)), NewArticle(source.Id, "id:2", new DateTimeOffset(day, TimeSpan.Zero).AddDays(3).AddMilliseconds(-1))],
            [], default);

        var days = Enumerable.Range(0, 5).Select(i => new TimeRange(new DateTimeOffset(day, TimeSpan.Zero).AddDays(i), new DateTimeOffset(day, TimeSpan.Zero).AddDays(i + 1))).ToList();
        var found = await Store.HaveArticlesAsync(days, default);

        // The first post is at the second day's first instant, the other at the third day's last millisecond.
        Assert.Equal([false, true, true, false, false], found);
        Assert.Empty(await Store.HaveArticlesAsync([], default));
    }

    [Fact]
    public async Task The_adjacent_story_skips_duplicates_and_stops_at_the_ends_of_the_river()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var oldest = StoryArticle(a.Id, "id:1", T0.AddHours(-3), "https://a.example/1");
        var middle = StoryArticle(a.Id, "id:2", T0.AddHours(-2), "https://a.example/2");
        var sameTime = StoryArticle(a.Id, "id:3", T0.AddHours(-2), "https://a.example/3");
        var newest = StoryArticle(a.Id, "id:4", T0, "https://a.example/4");
        await Store.SaveArticlesAsync([oldest, middle, sameTime, newest], [], default);

        // b's copy of the oldest story is newer than everything but is not a story of its own.
        var copy = StoryArticle(b.Id, "id:x", T0.AddHours(1), "https://a.example/1");
        await Store.SaveArticlesAsync([copy], [], default);
        Assert.Equal(oldest.Id, copy.DuplicateOf);

        async Task<long?> StepAsync(Core.Model.Article from, TimeDirection direction)
            => (await Store.FindAdjacentStoryAsync(ArticleCursor.Of(from), direction, default))?.Id;

        Assert.Null(await StepAsync(newest, TimeDirection.Newer));
        Assert.Equal(sameTime.Id, await StepAsync(newest, TimeDirection.Older));
        Assert.Equal(middle.Id, await StepAsync(sameTime, TimeDirection.Older));
        Assert.Equal(sameTime.Id, await StepAsync(middle, TimeDirection.Newer));
        Assert.Equal(oldest.Id, await StepAsync(middle, TimeDirection.Older));
        Assert.Null(await StepAsync(oldest, TimeDirection.Older));

        // From a duplicate, the steps are those of its place in the river.
        Assert.Null(await StepAsync(copy, TimeDirection.Newer));
        Assert.Equal(newest.Id, await StepAsync(copy, TimeDirection.Older));
    }
}
