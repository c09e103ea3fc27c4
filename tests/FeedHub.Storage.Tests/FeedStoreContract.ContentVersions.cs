using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>Content versions: a write moves the versions of the scopes it touches and leaves the others as they were.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_new_article_moves_its_source_category_hour_and_river_versions_and_no_other()
    {
        var tech = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var science = NewSource("https://b.example/feed");
        science.Categories = ["Science"];
        science = await Store.AddSourceAsync(science, default);
        ContentScope[] scopes =
        [
            ContentScope.River, ContentScope.Source(tech.Id), ContentScope.Category("Tech"), ContentScope.Category(" TECH "), ContentScope.Category("Français"),
            ContentScope.Hour(T0.AddMinutes(-29)), ContentScope.Source(science.Id), ContentScope.Category("Science"), ContentScope.Hour(T0.AddHours(-1)), ContentScope.Hour(T0.AddDays(-3)),
        ];
        ContentScope[] scienceOrToday = [ContentScope.Source(science.Id), ContentScope.Hour(T0)];
        var before = await VersionsAsync(scopes);
        var scienceOrTodayBefore = await Store.GetContentVersionAsync(scienceOrToday, default);

        await Store.SaveArticlesAsync([NewArticle(tech.Id, "id:new", T0)], [], default);

        var after = await VersionsAsync(scopes);
        Assert.All(scopes[..6], scope => Assert.True(after[scope] > before[scope], $"{scope} did not move"));
        Assert.All(scopes[6..], scope => Assert.Equal(before[scope], after[scope]));
        // Several scopes at once move when any of them does.
        Assert.True(await Store.GetContentVersionAsync(scienceOrToday, default) > scienceOrTodayBefore);
    }

    [Fact]
    public async Task Hours_asked_together_move_with_an_article_in_any_of_them_and_not_with_one_in_an_hour_between_them()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        // Two runs of hours, H-5h..H-3h and H..H+1h, around a gap H-2h..H-1h; and a lone hour, H+24h.
        var h = new DateTimeOffset(T0.Year, T0.Month, T0.Day, T0.Hour, 0, 0, TimeSpan.Zero);
        ContentScope[] hours = [.. ContentScope.Hours(h.AddHours(-5), h.AddHours(-2)), .. ContentScope.Hours(h, h.AddHours(2)), ContentScope.Hour(h.AddDays(1))];
        var before = await Store.GetContentVersionAsync(hours, default);

        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:gap", h.AddHours(-2).AddMinutes(30))], [], default);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:gap-end", h.AddMinutes(-1))], [], default);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:day-before", h.AddDays(-1))], [], default);
        Assert.Equal(before, await Store.GetContentVersionAsync(hours, default));

        foreach (var (key, at) in new[] { ("id:first-run", h.AddHours(-4)), ("id:second-run", h.AddHours(1).AddMinutes(59)), ("id:lone", h.AddDays(1).AddMinutes(10)) })
        {
            var was = await Store.GetContentVersionAsync(hours, default);
            await Store.SaveArticlesAsync([NewArticle(source.Id, key, at)], [], default);
            Assert.True(await Store.GetContentVersionAsync(hours, default) > was, $"{key} did not move the hours' version");
        }
    }

    [Fact]
    public async Task What_readers_see_of_a_source_moves_every_version_and_its_fetch_state_none()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        ContentScope[] scopes = [ContentScope.River, ContentScope.Category("Science"), ContentScope.Hour(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero))];
        var before = await VersionsAsync(scopes);

        await ChangeAsync(source.Id, stored =>
        {
            stored.Fetch.ETag = "\"v2\"";
            stored.Fetch.NextPollAt = T0.AddHours(2);
        });
        Assert.Equal(before, await VersionsAsync(scopes));

        await ChangeAsync(source.Id, stored => stored.Categories = ["Science"]);
        var recategorised = await VersionsAsync(scopes);
        Assert.All(scopes, scope => Assert.True(recategorised[scope] > before[scope], $"{scope} did not move"));

        await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var added = await VersionsAsync(scopes);
        Assert.All(scopes, scope => Assert.True(added[scope] > recategorised[scope], $"{scope} did not move"));
    }

    [Fact]
    public async Task A_poll_moves_the_sources_version_only_when_it_learns_what_readers_see()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var other = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var before = await Store.GetContentVersionAsync([ContentScope.Sources], default);

        await Store.SavePollAsync(new PollResult(source.Id) { Fetch = new FetchState { PollCount = 1, ETag = "\"v1\"" } }, default);
        await Store.SavePollAsync(new PollResult(other.Id) { Fetch = new FetchState { PollCount = 1 }, Feed = new LearnedFeed(other.Title, other.SiteUrl) }, default);
        Assert.Equal(before, await Store.GetContentVersionAsync([ContentScope.Sources], default));

        await Store.SavePollAsync(new PollResult(source.Id) { Fetch = new FetchState { PollCount = 2 }, Feed = new LearnedFeed("Learned title", "https://a.example/") }, default);
        var learned = await Store.GetContentVersionAsync([ContentScope.Sources], default);
        Assert.True(learned > before, "a learned title did not move the sources' version");

        await Store.SavePollAsync(new PollResult(source.Id) { Fetch = new FetchState { PollCount = 3 }, Feed = new LearnedFeed("Learned title", "https://a.example/") }, default);
        Assert.Equal(learned, await Store.GetContentVersionAsync([ContentScope.Sources], default));
    }

    [Fact]
    public async Task A_story_joined_by_another_source_moves_the_scopes_of_its_first_article()
    {
        var a = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var b = NewSource("https://b.example/feed");
        b.Categories = ["Science"];
        b = await Store.AddSourceAsync(b, default);
        var first = StoryArticle(a.Id, "id:1", T0.AddDays(-5), "https://news.example/story");
        await Store.SaveArticlesAsync([first], [], default);
        ContentScope[] firstScopes = [ContentScope.Source(a.Id), ContentScope.Category("Tech"), ContentScope.Hour(T0.AddDays(-5))];
        var before = await VersionsAsync(firstScopes);

        await Store.SaveArticlesAsync([StoryArticle(b.Id, "id:x", T0, "https://news.example/story")], [], default);

        var after = await VersionsAsync(firstScopes);
        Assert.All(firstScopes, scope => Assert.True(after[scope] > before[scope], $"{scope} did not move"));
    }

    [Fact]
    public async Task A_day_of_hour_versions_read_at_once_is_each_hour_read_alone_and_moves_with_its_hour()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var dayStart = new DateTimeOffset(T0.UtcDateTime.Date, TimeSpan.Zero).AddDays(-1);
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:before", dayStart.AddHours(3).AddMinutes(10))], [], default);
        // Written outside the day, just before and at its end: in scopes whose names sort beside the day's.
        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:eve", dayStart.AddMinutes(-1)), NewArticle(source.Id, "id:next", dayStart.AddDays(1))], [], default);
        var before = await Store.GetHourVersionsAsync(new TimeRange(dayStart, dayStart.AddDays(1)), default);
        Assert.Equal(24, before.Count);
        Assert.Equal(await VersionsAsync(ContentScope.Hours(dayStart, dayStart.AddDays(1))), before);

        await Store.SaveArticlesAsync([NewArticle(source.Id, "id:new", dayStart.AddHours(7).AddMinutes(59))], [], default);

        var after = await Store.GetHourVersionsAsync(new TimeRange(dayStart, dayStart.AddDays(1)), default);
        Assert.Equal(await VersionsAsync(ContentScope.Hours(dayStart, dayStart.AddDays(1))), after);
        var moved = ContentScope.Hour(dayStart.AddHours(7));
        Assert.True(after[moved] > before[moved], "the new article's hour did not move");
        Assert.All(before.Keys.Where(hour => hour != moved), hour => Assert.Equal(before[hour], after[hour]));

        // A day in a zone whose midnight falls within an hour spans 25 hours' scopes, the first and last in part.
        Assert.Equal(25, (await Store.GetHourVersionsAsync(new TimeRange(dayStart.AddMinutes(30), dayStart.AddDays(1).AddMinutes(30)), default)).Count);
    }

    [Fact]
    public async Task Saves_of_several_sources_at_once_all_move_their_scopes_and_a_reader_meanwhile_never_sees_a_version_go_back()
    {
        var sources = new List<Source>();
        for (var i = 0; i < 4; i++)
        {
            sources.Add(await Store.AddSourceAsync(NewSource($"https://s{i}.example/feed"), default));
        }

        var hours = Enumerable.Range(0, 4).Select(h => T0.AddHours(-h)).ToArray();
        ContentScope[] shared = [ContentScope.River, ContentScope.Category("Tech"), .. hours.Select(ContentScope.Hour)];
        ContentScope[] all = [.. shared, .. sources.Select(s => ContentScope.Source(s.Id))];
        var before = await VersionsAsync(all);

        // Each source writes every hour, one article per save, starting from a different hour.
        var writers = Task.WhenAll(sources.Select((source, i) => Task.Run(async () =>
        {
            for (var k = 0; k < hours.Length; k++)
            {
                await Store.SaveArticlesAsync([NewArticle(source.Id, $"id:{k}", hours[(i + k) % hours.Length])], [], default);
            }
        })));
        var seen = new List<long>();
        do
        {
            seen.Add(await Store.GetContentVersionAsync(shared, default));
        }
        while (!writers.IsCompleted);

        await writers;
        seen.Add(await Store.GetContentVersionAsync(shared, default));
        Assert.Equal(seen.Order(), seen);
        var after = await VersionsAsync(all);
        Assert.All(all, scope => Assert.True(after[scope] > before[scope], $"{scope} did not move"));
        Assert.Equal(16, await Store.CountArticlesAsync(null, default));
    }

    private async Task<Dictionary<ContentScope, long>> VersionsAsync(IEnumerable<ContentScope> scopes)
    {
        var versions = new Dictionary<ContentScope, long>();
        foreach (var scope in scopes)
        {
            versions[scope] = await Store.GetContentVersionAsync([scope], default);
        }

        return versions;
    }
}
