using System.Text.Json;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Core.Polling;

namespace FeedHub.Storage.Tests;

public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task A_first_poll_keeps_the_name_an_import_gave_as_the_display_name()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://imported.example/feed", Title = "HN", ImportBatch = 1, CreatedAt = T0 }, default);

        await Store.SavePollAsync(new PollResult(source.Id) { Fetch = new FetchState { PollCount = 1 }, Feed = new LearnedFeed("Hacker News", null, ImportedName: "HN") }, default);

        Store = await ReopenAsync(Store);
        var stored = (await Store.GetSourceAsync(source.Id, default))!;
        Assert.Equal(("Hacker News", "HN", "HN"), (stored.Title, stored.DisplayName, stored.Name));
    }

    [Fact]
    public async Task A_poll_saves_only_its_own_columns_onto_the_source_as_it_stands()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var polled = await Store.GetSourceAsync(source.Id, default);

        // Meanwhile a curator pauses and renames the source and changes its categories.
        await ChangeAsync(source.Id, edited =>
        {
            edited.State = SourceState.Paused;
            edited.DisplayName = "Chosen";
            edited.Categories = ["Friends"];
            edited.Extraction = ExtractionMode.Never;
        });

        polled!.Fetch.ETag = "\"v2\"";
        polled.Fetch.PollCount = 7;
        polled.Fetch.LastSuccessAt = T0.AddMinutes(1);
        polled.Fetch.NextPollAt = T0.AddHours(1);
        await Store.SavePollAsync(new PollResult(source.Id) { Fetch = polled.Fetch, Feed = new LearnedFeed("Feed title", "https://a.example/", ImportedName: "Outline's name") }, default);

        Store = await ReopenAsync(Store);
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal(SourceState.Paused, stored!.State);
        Assert.Equal("Chosen", stored.DisplayName);
        Assert.Equal(["Friends"], stored.Categories);
        Assert.Equal(ExtractionMode.Never, stored.Extraction);
        Assert.Equal("\"v2\"", stored.Fetch.ETag);
        Assert.Equal(7, stored.Fetch.PollCount);
        Assert.Equal(T0.AddHours(1), stored.Fetch.NextPollAt);
        Assert.Equal("Feed title", stored.Title);
        Assert.Equal("https://a.example/", stored.SiteUrl);
    }

    [Fact]
    public async Task A_source_read_after_its_polls_is_what_the_store_gives_back_after_a_restart()
    {
        var quiet = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var polled = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        // Instants finer than a store keeps and off UTC, and text with spaces around it, as polls may bring them.
        var at = new DateTimeOffset(2026, 12, 8, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        FetchState Polled(int polls) => new()
        {
            PollCount = polls, LastAttemptAt = at.AddMinutes(polls), LastSuccessAt = at.AddMinutes(polls), NextPollAt = at.AddMinutes(30 + polls),
            ETag = " \"e1\" ", LastModified = "Mon, 07 Dec 2026 10:00:00 GMT", LastStatusCode = 304, UsualPostInterval = TimeSpan.FromTicks(123_456_789),
        };

        // The first poll of a source moves its health; the second, of fetch state alone, does not.
        await Store.SaveFetchStatesAsync([new PollResult(quiet.Id) { Fetch = Polled(1) }], default);
        await Store.SaveFetchStatesAsync([new PollResult(quiet.Id) { Fetch = Polled(2) }], default);
        await Store.SavePollAsync(new PollResult(polled.Id) { Fetch = Polled(1), Feed = new LearnedFeed("  A title  ", "https://b.example/") }, default);

        var read = await ReadAllAsync();
        Store = await ReopenAsync(Store);
        Assert.Equal(await ReadAllAsync(), read);

        async Task<List<string>> ReadAllAsync() =>
        [
            JsonSerializer.Serialize(await Store.GetSourceAsync(quiet.Id, default)),
            JsonSerializer.Serialize(await Store.GetSourceAsync(polled.Id, default)),
            .. (await Store.ListSourcesAsync(default)).Select(source => JsonSerializer.Serialize(source)),
            .. (await Store.GetSourcesAsync([quiet.Id, polled.Id], default)).Select(source => JsonSerializer.Serialize(source)),
        ];
    }

    [Fact]
    public async Task A_source_read_is_the_readers_own_to_change()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var fetch = new FetchState { PollCount = 1, NextPollAt = T0 };
        await Store.SaveFetchStatesAsync([new PollResult(source.Id) { Fetch = fetch }], default);
        var read = await Store.GetSourceAsync(source.Id, default);
        var listed = Assert.Single(await Store.ListSourcesAsync(default));
        var found = Assert.Single(await Store.GetSourcesAsync([source.Id], default));

        foreach (var copy in new[] { source, read!, listed, found })
        {
            copy.Title = "Changed";
            copy.Categories.Add("Changed");
            copy.Fetch.ETag = "\"changed\"";
            copy.Fetch.PollCount = 42;
        }

        fetch.LastError = "changed by the poller after its save";
        var again = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal("A blog", again!.Title);
        Assert.Equal(["Tech", "Français"], again.Categories);
        Assert.Null(again.Fetch.ETag);
        Assert.Null(again.Fetch.LastError);
        Assert.Equal(1, again.Fetch.PollCount);
    }

    [Fact]
    public async Task A_poll_of_fetch_state_alone_keeps_health_right_for_the_state_a_curator_gave_meanwhile_and_readers_see_no_change()
    {
        var active = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var paused = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var failing = new FetchState { PollCount = 5, ConsecutiveFailures = SourceHealthRules.BrokenAfterFailures, LastError = "the server answered 500" };
        var polledPaused = await Store.GetSourceAsync(paused.Id, default);
        await ChangeAsync(paused.Id, edited => edited.State = SourceState.Paused);
        var version = await Store.GetVersionAsync(default);

        await Store.SavePollAsync(new PollResult(active.Id) { Fetch = failing }, default);
        await Store.SavePollAsync(new PollResult(polledPaused!.Id) { Fetch = failing }, default);

        Assert.Equal(version, await Store.GetVersionAsync(default));
        Store = await ReopenAsync(Store);
        Assert.Equal([active.Id], (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Broken }, default)).Sources.Select(s => s.Id));
        Assert.Equal([paused.Id], (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Paused }, default)).Sources.Select(s => s.Id));
        var tallies = await Store.GetTalliesAsync(default);
        Assert.Equal((1, 1, 0), (tallies.ByHealth[HealthStatus.Broken], tallies.ByHealth[HealthStatus.Paused], tallies.ByHealth.GetValueOrDefault(HealthStatus.New)));
        var stored = await Store.GetSourceAsync(paused.Id, default);
        Assert.Equal((SourceState.Paused, 5L, "the server answered 500"), (stored!.State, stored.Fetch.PollCount, stored.Fetch.LastError));
    }

    /// <summary>
    /// Sources due at <c>T0</c> are polled, and the polls' next time is an hour later. Meanwhile a refresh asks for the
    /// next poll in five minutes: the save keeps it, saved alone or with others. A time stored before the poll started
    /// (its own due time, or an older one still stored while its previous poll's quiet save waits) is no refresh, nor is
    /// one later than the poll's own: the poll's next time is saved over them.
    /// </summary>
    [Fact]
    public async Task A_poll_keeps_an_earlier_next_poll_time_a_refresh_stored_while_it_ran()
    {
        var (due, refresh, next) = (T0, T0.AddMinutes(5), T0.AddHours(1));
        var stored = new Dictionary<string, DateTimeOffset>
        {
            ["refreshed"] = refresh, ["refreshed, batched"] = refresh, ["own due time"] = due, ["older time"] = due.AddHours(-1), ["later"] = next.AddHours(1),
        };
        var ids = new Dictionary<string, long>();
        foreach (var (name, at) in stored)
        {
            var source = await Store.AddSourceAsync(NewSource($"https://a.example/{Uri.EscapeDataString(name)}"), default);
            await ChangeAsync(source.Id, changed => changed.Fetch.NextPollAt = at);
            ids[name] = source.Id;
        }

        PollResult Polled(string name) => new(ids[name]) { Fetch = new FetchState { PollCount = 1, NextPollAt = next }, DueAt = due };
        foreach (var name in stored.Keys.Where(name => name != "refreshed, batched"))
        {
            await Store.SavePollAsync(Polled(name), default);
        }

        await Store.SaveFetchStatesAsync([Polled("refreshed, batched")], default);

        Store = await ReopenAsync(Store);
        var saved = new Dictionary<string, DateTimeOffset?>();
        foreach (var (name, id) in ids)
        {
            saved[name] = (await Store.GetSourceAsync(id, default))!.Fetch.NextPollAt;
        }

        Assert.Equal(
            new Dictionary<string, DateTimeOffset?> { ["refreshed"] = refresh, ["refreshed, batched"] = refresh, ["own due time"] = next, ["older time"] = next, ["later"] = next },
            saved);
    }

    /// <summary>
    /// A source's first poll saves the title it learned, its articles and its state together, onto the source as it
    /// stands: the categories a curator gave and the next poll a refresh asked for while it ran are kept, and the
    /// articles are found by the new title.
    /// </summary>
    [Fact]
    public async Task A_poll_with_articles_saves_its_title_articles_and_state_onto_the_source_as_it_stands()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        await ChangeAsync(source.Id, edited => (edited.Categories, edited.Fetch.NextPollAt) = (["Friends"], T0.AddMinutes(5)));
        List<Article> articles = [NewArticle(source.Id, "one", T0), NewArticle(source.Id, "two", T0.AddMinutes(1))];

        await Store.SavePollWithArticlesAsync(
            new PollResult(source.Id)
            {
                PolledUrl = source.FeedUrl,
                Fetch = new FetchState { PollCount = 1, ETag = "\"v1\"", NextPollAt = T0.AddHours(1) },
                Feed = new LearnedFeed("Pelican Quarterly", "https://a.example/"),
                DueAt = T0,
            },
            articles,
            [],
            default);

        Assert.All(articles, article => Assert.True(article.Id > 0));
        Store = await ReopenAsync(Store);
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal(("Pelican Quarterly", "https://a.example/"), (stored!.Title, stored.SiteUrl));
        Assert.Equal(["Friends"], stored.Categories);
        Assert.Equal((1L, "\"v1\"", T0.AddMinutes(5)), (stored.Fetch.PollCount, stored.Fetch.ETag, stored.Fetch.NextPollAt));
        Assert.Equal(articles.Select(a => a.Id).Order(), (await Store.GetKnownArticlesAsync(source.Id, ["one", "two"], default)).Select(a => a.Id).Order());
        Assert.Equal(articles.Select(a => a.Id).Order(), (await SearchIdsAsync("pelican")).Order());
    }

    /// <summary>
    /// A curator removed one source and moved the other while they were polled: neither poll's articles are stored (on
    /// PostgreSQL the removed source's were, without a source, as no removal would ever remove them).
    /// </summary>
    [Fact]
    public async Task A_poll_with_articles_of_a_source_removed_or_moved_meanwhile_saves_nothing_not_even_its_articles()
    {
        var removed = await Store.AddSourceAsync(NewSource("https://removed.example/feed"), default);
        var moved = await Store.AddSourceAsync(NewSource("https://moved.example/feed"), default);
        await Store.RemoveSourceAsync(removed.Id, keepArticles: false, default);
        await ChangeAsync(moved.Id, source => source.FeedUrl = "https://moved.example/new-feed");

        foreach (var polled in new[] { removed, moved })
        {
            await Store.SavePollWithArticlesAsync(
                new PollResult(polled.Id) { PolledUrl = polled.FeedUrl, Fetch = new FetchState { PollCount = 1, ETag = "\"v1\"" }, Feed = new LearnedFeed("Learned", null) },
                [NewArticle(polled.Id, "polled", T0)],
                [],
                default);
        }

        Store = await CrashAndReopenAsync(Store);
        Assert.Null(await Store.GetSourceAsync(removed.Id, default));
        var stored = await Store.GetSourceAsync(moved.Id, default);
        Assert.Equal(("A blog", 0L, null), (stored!.Title, stored.Fetch.PollCount, stored.Fetch.ETag));
        Assert.Equal((0L, 0L), (await Store.CountArticlesAsync(removed.Id, default), await Store.CountArticlesAsync(moved.Id, default)));
        Assert.Empty(await SearchIdsAsync("polled"));
    }

    /// <summary>A later poll renames a source that has articles: those stored before are found by the new title too, with the new one.</summary>
    [Fact]
    public async Task A_poll_with_articles_that_renames_its_source_has_the_articles_before_found_by_the_new_title()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var earlier = NewArticle(source.Id, "one", T0);
        await Store.SaveArticlesAsync([earlier], [], default);
        var later = NewArticle(source.Id, "two", T0.AddMinutes(1));

        await Store.SavePollWithArticlesAsync(
            new PollResult(source.Id) { PolledUrl = source.FeedUrl, Fetch = new FetchState { PollCount = 2 }, Feed = new LearnedFeed("Heron Gazette", null) },
            [later],
            [],
            default);

        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal(("Heron Gazette", 2L), (stored!.Title, stored.Fetch.PollCount));
        Assert.Equal(new[] { earlier.Id, later.Id }.Order(), (await SearchIdsAsync("heron")).Order());
    }

    /// <summary>A curator moved the source while it was being polled: what the old address answered is not saved.</summary>
    [Fact]
    public async Task A_poll_of_an_address_the_source_has_left_saves_nothing_and_one_of_its_address_saves()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        await ChangeAsync(source.Id, moved => (moved.FeedUrl, moved.Fetch.MovedFrom) = ("https://a.example/moved", "https://a.example/feed"));

        var stale = new FetchState { ETag = "\"old\"", PollCount = 1, MovedFrom = null };
        await Store.SavePollAsync(new PollResult(source.Id) { PolledUrl = "https://a.example/feed", Fetch = stale }, default);
        await Store.SavePollAsync(new PollResult(source.Id) { PolledUrl = "https://a.example/feed", Fetch = stale, Feed = new LearnedFeed("Old title", null) }, default);
        var afterStale = await Store.GetSourceAsync(source.Id, default);
        await Store.SavePollAsync(new PollResult(source.Id) { PolledUrl = "https://a.example/moved", Fetch = new FetchState { ETag = "\"new\"", PollCount = 2 } }, default);

        Assert.Equal((null, 0L, "https://a.example/feed", "A blog"), (afterStale!.Fetch.ETag, afterStale.Fetch.PollCount, afterStale.Fetch.MovedFrom, afterStale.Title));
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal(("\"new\"", 2L), (stored!.Fetch.ETag, stored.Fetch.PollCount));
    }

    [Fact]
    public async Task A_poll_moves_or_retires_its_source_only_when_it_says_so_and_never_brings_back_a_removed_one()
    {
        var moved = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var gone = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var removed = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        var plain = await Store.AddSourceAsync(NewSource("https://d.example/feed"), default);
        await Store.RemoveSourceAsync(removed.Id, keepArticles: false, default);

        await Store.SavePollAsync(new PollResult(moved.Id) { Fetch = new FetchState { MovedFrom = moved.FeedUrl }, MovedTo = "https://a.example/new-feed" }, default);
        await Store.SavePollAsync(new PollResult(gone.Id) { Fetch = new FetchState { LastStatusCode = 410 }, Gone = true }, default);
        await Store.SavePollAsync(new PollResult(removed.Id) { Fetch = new FetchState { PollCount = 1 } }, default);
        await Store.SavePollAsync(new PollResult(plain.Id) { Fetch = new FetchState { PollCount = 1 } }, default);

        Assert.Equal("https://a.example/new-feed", (await Store.GetSourceAsync(moved.Id, default))!.FeedUrl);
        Assert.Equal(moved.Id, (await Store.FindSourceByFeedUrlAsync("https://a.example/new-feed", default))?.Id);
        Assert.Equal(SourceState.Retired, (await Store.GetSourceAsync(gone.Id, default))!.State);
        Assert.Null(await Store.GetSourceAsync(removed.Id, default));
        var unchanged = await Store.GetSourceAsync(plain.Id, default);
        Assert.Equal((SourceState.Active, "https://d.example/feed", "A blog"), (unchanged!.State, unchanged.FeedUrl, unchanged.Title));
    }

    /// <summary>
    /// Polls that end together, from many threads: each lands on its own source, a removed source among them stays
    /// removed, and the one that renamed its source has its articles found by the new name.
    /// </summary>
    [Fact]
    public async Task Polls_saved_at_once_each_land_on_their_own_source()
    {
        var sources = new List<Source>();
        for (var i = 0; i < 40; i++)
        {
            sources.Add(await Store.AddSourceAsync(NewSource($"https://s{i}.example/feed"), default));
        }

        await Store.RemoveSourceAsync(sources[0].Id, keepArticles: false, default);
        var article = NewArticle(sources[1].Id, "one", T0);
        await Store.SaveArticlesAsync([article], [], default);

        await Task.WhenAll(sources.Select((source, i) => Task.Run(() => Store.SavePollAsync(new PollResult(source.Id)
        {
            Fetch = new FetchState { PollCount = 100 + i, ETag = $"\"{i}\"" },
            Feed = i == 1 ? new LearnedFeed("Cormorant Weekly", "https://s1.example/") : null,
        }, default))));

        Assert.Null(await Store.GetSourceAsync(sources[0].Id, default));
        foreach (var (source, i) in sources.Select((source, i) => (source, i)).Skip(1))
        {
            var stored = await Store.GetSourceAsync(source.Id, default);
            Assert.Equal((100L + i, $"\"{i}\""), (stored!.Fetch.PollCount, stored.Fetch.ETag));
        }

        Assert.Equal("Cormorant Weekly", (await Store.GetSourceAsync(sources[1].Id, default))!.Title);
        Assert.Equal(39, (await Store.GetTalliesAsync(default)).ByHealth.Values.Sum());
        Assert.Equal([article.Id], await SearchIdsAsync("cormorant"));
    }

    /// <summary>
    /// Quiet polls' fetch states saved together: each lands on its source and its health, except on a source removed,
    /// on one moved away from the polled address, and on one whose stored state counts as many polls (a later poll's).
    /// </summary>
    [Fact]
    public async Task Fetch_states_saved_together_land_on_their_sources_and_never_move_a_later_poll_back()
    {
        var plain = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var removed = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var moved = await Store.AddSourceAsync(NewSource("https://c.example/feed"), default);
        var later = await Store.AddSourceAsync(NewSource("https://d.example/feed"), default);
        var broken = await Store.AddSourceAsync(NewSource("https://e.example/feed"), default);
        await Store.RemoveSourceAsync(removed.Id, keepArticles: false, default);
        await ChangeAsync(moved.Id, source => source.FeedUrl = "https://c.example/moved");
        await Store.SavePollAsync(new PollResult(later.Id) { Fetch = new FetchState { PollCount = 8, LastAttemptAt = T0.AddMinutes(9) } }, default);
        var version = await Store.GetVersionAsync(default);

        FetchState Quiet(int polls) => new() { PollCount = polls, NotModifiedCount = polls - 1, ETag = "\"v1\"", LastAttemptAt = T0.AddMinutes(polls), LastStatusCode = 304, LastItemCount = 20 };
        await Store.SaveFetchStatesAsync(
        [
            new PollResult(plain.Id) { PolledUrl = plain.FeedUrl, Fetch = Quiet(3) },
            new PollResult(removed.Id) { PolledUrl = removed.FeedUrl, Fetch = Quiet(3) },
            new PollResult(moved.Id) { PolledUrl = "https://c.example/feed", Fetch = Quiet(3) },
            new PollResult(later.Id) { PolledUrl = later.FeedUrl, Fetch = Quiet(8) },
            new PollResult(broken.Id) { Fetch = new FetchState { PollCount = 4, ConsecutiveFailures = SourceHealthRules.BrokenAfterFailures, LastAttemptAt = T0 } },
        ], default);

        Assert.Equal(version, await Store.GetVersionAsync(default));
        Store = await ReopenAsync(Store);
        var stored = await Store.GetSourceAsync(plain.Id, default);
        Assert.Equal((3L, 2L, "\"v1\"", 304, T0.AddMinutes(3)), (stored!.Fetch.PollCount, stored.Fetch.NotModifiedCount, stored.Fetch.ETag, stored.Fetch.LastStatusCode, stored.Fetch.LastAttemptAt));
        Assert.Null(await Store.GetSourceAsync(removed.Id, default));
        Assert.Equal(0L, (await Store.GetSourceAsync(moved.Id, default))!.Fetch.PollCount);
        Assert.Equal(T0.AddMinutes(9), (await Store.GetSourceAsync(later.Id, default))!.Fetch.LastAttemptAt);
        Assert.Equal([broken.Id], (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Broken }, default)).Sources.Select(s => s.Id));
        Assert.Equal([plain.Id, later.Id], (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Healthy }, default)).Sources.Select(s => s.Id).Order());
    }

    [Fact]
    public async Task Known_articles_are_the_identities_of_the_stored_articles_with_the_given_keys_of_that_source_only()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var other = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var first = NewArticle(source.Id, "one", T0);
        await Store.SaveArticlesAsync([first, NewArticle(source.Id, "two", T0), NewArticle(other.Id, "three", T0)], [], default);

        var known = await Store.GetKnownArticlesAsync(source.Id, ["one", "three", "four"], default);

        var only = Assert.Single(known);
        Assert.Equal((first.Id, "one", "hash-one"), (only.Id, only.Key, only.ContentHash));
        Assert.Empty(await Store.GetKnownArticlesAsync(source.Id, [], default));
    }

    [Fact]
    public async Task A_source_without_articles_knows_none_even_of_keys_another_source_stored()
    {
        var source = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var other = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var stored = NewArticle(other.Id, "one", T0);
        await Store.SaveArticlesAsync([stored], [], default);

        Assert.Empty(await Store.GetKnownArticlesAsync(source.Id, ["one"], default));
        Assert.Equal([stored.Id], (await Store.GetKnownArticlesAsync(other.Id, ["one"], default)).Select(a => a.Id));
    }
}
