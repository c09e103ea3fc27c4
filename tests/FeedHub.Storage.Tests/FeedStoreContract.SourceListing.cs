using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.Tests;

/// <summary>The sources at scale: health states kept with each source, counted, and listed page by page.</summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task Each_health_state_is_kept_with_its_source_listed_by_state_and_counted_through_changes_and_a_restart()
    {
        var expected = new Dictionary<HealthStatus, List<long>>();
        foreach (var (name, status, shape) in HealthCases())
        {
            var source = await Store.AddSourceAsync(NewSource($"https://{name}.example/feed"), default);
            await ChangeAsync(source.Id, shape);
            expected.TryAdd(status, []);
            expected[status].Add(source.Id);
        }

        Store = await ReopenAsync(Store);

        foreach (var status in Enum.GetValues<HealthStatus>())
        {
            var page = await Store.ListSourcesAsync(new SourceListQuery { Health = status }, default);
            Assert.Equal(expected.GetValueOrDefault(status, []), page.Sources.Select(s => s.Id).Order());
            Assert.All(page.Sources, s => Assert.Equal(status, SourceHealthRules.Judge(s).Status));
        }

        var tallies = await Store.GetTalliesAsync(default);
        Assert.Equal(Enum.GetValues<HealthStatus>().ToDictionary(s => s, s => expected.GetValueOrDefault(s, []).Count), tallies.ByHealth);

        // A broken source answers again; a degraded one is removed; a new one is paused.
        var broken = await ChangeAsync(expected[HealthStatus.Broken][0], stored => (stored.Fetch.ConsecutiveFailures, stored.Fetch.LastError) = (0, null));
        await Store.RemoveSourceAsync(expected[HealthStatus.Degraded][0], keepArticles: false, default);
        await ChangeAsync(expected[HealthStatus.New][0], stored => stored.State = SourceState.Paused);

        tallies = await Store.GetTalliesAsync(default);
        Assert.Equal(expected[HealthStatus.Healthy].Count + 1, tallies.ByHealth[HealthStatus.Healthy]);
        Assert.Equal(expected[HealthStatus.Broken].Count - 1, tallies.ByHealth[HealthStatus.Broken]);
        Assert.Equal(expected[HealthStatus.Degraded].Count - 1, tallies.ByHealth[HealthStatus.Degraded]);
        Assert.Equal(expected[HealthStatus.New].Count - 1, tallies.ByHealth[HealthStatus.New]);
        Assert.Equal(expected[HealthStatus.Paused].Count + 1, tallies.ByHealth[HealthStatus.Paused]);
        Assert.Equal((await Store.ListSourcesAsync(default)).Count, tallies.Sources);
        Assert.Contains(broken.Id, (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Healthy }, default)).Sources.Select(s => s.Id));
    }

    [Fact]
    public async Task Source_outlines_are_every_source_by_id_as_stored_through_polls_edits_removals_and_a_restart()
    {
        var plain = await Store.AddSourceAsync(NewSource("https://plain.example/feed"), default);
        var set = NewSource("https://set.example/feed");
        (set.SiteUrl, set.DisplayName, set.State, set.Extraction, set.ExtractionSelector) = ("https://set.example/", "Set <by> hand", SourceState.Paused, ExtractionMode.Always, "article.post");
        (set.MinInterval, set.MaxInterval, set.Categories) = (TimeSpan.FromMinutes(30), TimeSpan.FromHours(12), ["Zines", "Art", "Zines"]);
        await Store.AddSourceAsync(set, default);
        var removed = await Store.AddSourceAsync(NewSource("https://removed.example/feed"), default);
        var bare = await Store.AddSourceAsync(new Source { FeedUrl = "https://bare.example/rss", CreatedAt = T0 }, default);

        // A change to the object after it was stored is not stored, and not outlined.
        bare.Categories.Add("Not saved");
        await Store.SavePollAsync(new PollResult(plain.Id) { Fetch = new FetchState { PollCount = 1 }, Feed = new LearnedFeed("Learned title", "https://plain.example/") }, default);
        await ChangeAsync(set.Id, stored => (stored.DisplayName, stored.State, stored.Categories) = (null, SourceState.Active, ["Art"]));
        await Store.RemoveSourceAsync(removed.Id, keepArticles: false, default);

        async Task AssertOutlinesAsync()
        {
            var outlines = await Store.ListSourceOutlinesAsync(default);
            Assert.Equivalent((await Store.ListSourcesAsync(default)).Select(SourceOutline.Of).ToList(), outlines, strict: true);
            Assert.Equal([plain.Id, set.Id, bare.Id], outlines.Select(o => o.Id));
            Assert.Equal(["Learned title", "A blog", "bare.example"], outlines.Select(o => o.Name));
            Assert.Equal(("https://plain.example/", "https://set.example/", (string?)null), (outlines[0].SiteUrl, outlines[1].SiteUrl, outlines[2].SiteUrl));
            Assert.Equal((ExtractionMode.Always, "article.post", TimeSpan.FromMinutes(30), TimeSpan.FromHours(12)), (outlines[1].Extraction, outlines[1].ExtractionSelector, outlines[1].MinInterval, outlines[1].MaxInterval));
            Assert.Equal(["Tech|Français", "Art", ""], outlines.Select(o => string.Join('|', o.Categories)));
        }

        await AssertOutlinesAsync();
        Store = await ReopenAsync(Store);
        await AssertOutlinesAsync();
    }

    [Fact]
    public async Task Sources_page_worst_health_first_then_by_name_or_by_name_alone_through_cursors()
    {
        var names = new[] { "delta", "Alpha", "charlie", "Echo", "bravo", "foxtrot", "alpha" };
        var added = new List<Source>();
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            var source = NewSource($"https://s{i}.example/feed");
            source.DisplayName = name;
            source.Fetch.PollCount = 1;
            source.Fetch.LastItemCount = 3;
            source.Fetch.ConsecutiveFailures = i % 3 == 0 ? 3 : 0; // delta, Echo and alpha are broken
            added.Add(await Store.AddSourceAsync(source, default));
        }

        var byHealth = await WalkAsync(new SourceListQuery { Limit = 2 });
        var byName = await WalkAsync(new SourceListQuery { Sort = SourceSort.Name, Limit = 3 });

        Assert.Equal(["alpha", "delta", "Echo", "Alpha", "bravo", "charlie", "foxtrot"], byHealth.Select(s => s.Name));
        Assert.Equal(["Alpha", "alpha", "bravo", "charlie", "delta", "Echo", "foxtrot"], byName.Select(s => s.Name));
        Assert.Equal(added.Single(s => s.DisplayName == "Alpha").Id, byName[0].Id); // equal names: by id
        var brokenOnly = await WalkAsync(new SourceListQuery { Health = HealthStatus.Broken, Limit = 1 });
        Assert.Equal(["alpha", "delta", "Echo"], brokenOnly.Select(s => s.Name));
        var healthyByName = await WalkAsync(new SourceListQuery { Health = HealthStatus.Healthy, Sort = SourceSort.Name, Limit = 2 });
        Assert.Equal(["Alpha", "bravo", "charlie", "foxtrot"], healthyByName.Select(s => s.Name));
    }

    [Fact]
    public async Task A_search_finds_sources_by_name_feed_address_site_address_or_category_in_any_case_and_filters_combine()
    {
        var cooking = NewSource("https://recipes.example/feed.xml");
        cooking.Title = "Grandma's Kitchen";
        cooking.Categories = ["Food"];
        var kitchenComments = NewSource("https://recipes.example/comments/feed.xml");
        kitchenComments.Title = "Grandma's Kitchen";
        kitchenComments.Categories = ["Food", "Comments"];
        var site = NewSource("https://feeds.example/42");
        site.SiteUrl = "https://www.tea-house.example/";
        site.Categories = ["Drinks"];
        var percent = NewSource("https://percent.example/feed");
        percent.DisplayName = "100% natural_ingredients";
        percent.Categories = [];
        foreach (var source in new[] { cooking, kitchenComments, site, percent })
        {
            await Store.AddSourceAsync(source, default);
        }

        async Task<long[]> FindAsync(SourceListQuery query) => [.. (await WalkAsync(query with { Limit = 1 })).Select(s => s.Id).Order()];

        Assert.Equal([cooking.Id, kitchenComments.Id], await FindAsync(new SourceListQuery { Search = "KITCHEN" }));
        Assert.Equal([kitchenComments.Id], await FindAsync(new SourceListQuery { Search = "/comments/" }));
        Assert.Equal([site.Id], await FindAsync(new SourceListQuery { Search = "tea-house" }));
        Assert.Equal([site.Id], await FindAsync(new SourceListQuery { Search = "drinks" }));
        Assert.Equal([percent.Id], await FindAsync(new SourceListQuery { Search = "0% n" }));
        Assert.Equal([percent.Id], await FindAsync(new SourceListQuery { Search = "l_i" }));
        Assert.Empty(await FindAsync(new SourceListQuery { Search = "_x" }));
        Assert.Equal([cooking.Id, kitchenComments.Id], await FindAsync(new SourceListQuery { Category = "food" }));
        Assert.Equal([kitchenComments.Id], await FindAsync(new SourceListQuery { Category = "FOOD", Search = "comments/feed" }));
        Assert.Empty(await FindAsync(new SourceListQuery { Category = "Food", Health = HealthStatus.Broken }));
        Assert.Equal([cooking.Id, kitchenComments.Id], await FindAsync(new SourceListQuery { Category = "Food", Health = HealthStatus.New }));
    }

    [Fact]
    public async Task Categories_are_counted_as_sources_join_and_leave_them_and_when_an_import_is_undone()
    {
        var first = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default); // Tech, Français
        var second = NewSource("https://b.example/feed");
        second.Categories = ["Tech"];
        await Store.AddSourceAsync(second, default);
        var batch = await Store.AddImportBatchAsync(new ImportBatch { Origin = "list.opml", CreatedAt = T0 }, default);
        var imported = NewSource("https://c.example/feed");
        imported.Categories = ["Food", "Tech"];
        imported.ImportBatch = batch.Id;
        await Store.AddSourceAsync(imported, default);

        Assert.Equal([("Food", 1), ("Français", 1), ("Tech", 3)], await CategoriesAsync());

        await ChangeAsync(first.Id, stored => stored.Categories = ["Food"]);
        Assert.Equal([("Food", 2), ("Tech", 2)], await CategoriesAsync());

        await Store.RemoveImportBatchAsync(batch.Id, default);
        Assert.Equal([("Food", 1), ("Tech", 1)], await CategoriesAsync());

        await Store.RemoveSourceAsync(second.Id, keepArticles: true, default);
        Store = await ReopenAsync(Store);
        Assert.Equal([("Food", 1)], await CategoriesAsync());
        Assert.Equal(1, (await Store.GetTalliesAsync(default)).Sources);
    }

    /// <summary>A source in each health state (several ways to be degraded), shaped by setting what the poller keeps.</summary>
    private static IEnumerable<(string Name, HealthStatus Status, Action<Source> Shape)> HealthCases()
    {
        var polled = T0.AddDays(30);
        void Answered(Source s)
        {
            s.Fetch.PollCount = 4;
            s.Fetch.LastAttemptAt = polled;
            s.Fetch.LastSuccessAt = polled;
            s.Fetch.LastItemCount = 10;
            s.Fetch.LatestPostAt = polled.AddDays(-2);
            s.Fetch.UsualPostInterval = TimeSpan.FromDays(3);
        }

        yield return ("new", HealthStatus.New, _ => { });
        yield return ("healthy", HealthStatus.Healthy, Answered);
        yield return ("healthy-daily-blogger-after-a-week-off", HealthStatus.Healthy, s =>
        {
            Answered(s);
            (s.Fetch.LatestPostAt, s.Fetch.UsualPostInterval) = (polled.AddDays(-10), TimeSpan.FromDays(1));
        });
        yield return ("failing-once", HealthStatus.Degraded, s =>
        {
            Answered(s);
            (s.Fetch.ConsecutiveFailures, s.Fetch.LastError) = (1, "the server answered 503 Service Unavailable");
        });
        yield return ("garbage", HealthStatus.Degraded, s =>
        {
            Answered(s);
            (s.Fetch.LastItemCount, s.Fetch.ParseWarning) = (0, "malformed XML at line 3, position 1 (kept 0 complete items)");
        });
        yield return ("malformed", HealthStatus.Degraded, s =>
        {
            Answered(s);
            s.Fetch.ParseWarning = "an undefined entity was dropped";
        });
        yield return ("stale", HealthStatus.Degraded, s =>
        {
            Answered(s);
            s.Fetch.LatestPostAt = polled.AddDays(-20); // four usual gaps are 12 days; at least 14
        });
        yield return ("quiet-without-dates", HealthStatus.Degraded, s =>
        {
            Answered(s);
            (s.Fetch.LatestPostAt, s.Fetch.UsualPostInterval, s.Fetch.LastNewItemAt) = (null, null, polled.AddDays(-61));
        });
        yield return ("broken", HealthStatus.Broken, s =>
        {
            Answered(s);
            (s.Fetch.ConsecutiveFailures, s.Fetch.LastError) = (3, "the server answered 500 Internal Server Error");
        });
        yield return ("redirected", HealthStatus.Moved, s =>
        {
            Answered(s);
            (s.Fetch.PendingRedirectUrl, s.Fetch.PendingRedirectCount) = ("https://new.example/feed", 1);
        });
        yield return ("moved-lately", HealthStatus.Moved, s =>
        {
            Answered(s);
            (s.Fetch.MovedFrom, s.Fetch.MovedAt) = ("https://old.example/feed", polled.AddDays(-1));
        });
        yield return ("moved-long-ago", HealthStatus.Healthy, s =>
        {
            Answered(s);
            (s.Fetch.MovedFrom, s.Fetch.MovedAt) = ("https://old.example/feed", polled.AddDays(-8));
        });
        yield return ("gone", HealthStatus.Retired, s =>
        {
            Answered(s);
            (s.State, s.Fetch.ConsecutiveFailures, s.Fetch.LastError) = (SourceState.Retired, 1, "the server answered 410 Gone");
        });
        yield return ("paused", HealthStatus.Paused, s =>
        {
            Answered(s);
            (s.State, s.Fetch.ConsecutiveFailures) = (SourceState.Paused, 5);
        });
    }

    private async Task<List<Source>> WalkAsync(SourceListQuery query)
    {
        var all = new List<Source>();
        for (var page = await Store.ListSourcesAsync(query, default); ; page = await Store.ListSourcesAsync(query with { After = page.Next }, default))
        {
            Assert.True(page.Sources.Count <= query.PageSize);
            all.AddRange(page.Sources);
            if (page.Next is null)
            {
                return all;
            }

            Assert.Equal(query.PageSize, page.Sources.Count);
        }
    }

    private async Task<List<(string, int)>> CategoriesAsync()
        => (await Store.GetTalliesAsync(default)).Categories.Select(c => (c.Name, c.Sources)).ToList();
}
