using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;

namespace FeedHub.Storage.Tests;

/// <summary>
/// One source per feed address (issue 15): the store checks the address and writes it in one step, so adds and moves
/// of one address at once (two curators, a form sent twice, an import, two nodes) leave one source there, and every
/// caller learns which. The racing calls run on threads of their own, released together from a barrier.
/// </summary>
public abstract partial class FeedStoreContract
{
    [Fact]
    public async Task Adds_of_one_feed_address_at_once_store_one_source_and_every_caller_learns_which()
    {
        // Spellings of one address (UrlNormalizer.ForIdentity), each added twice.
        string[] spellings =
        [
            "https://blog.example/feed", "https://BLOG.example/feed", "https://blog.example:443/feed", "https://blog.example/feed#top",
            "https://blog.example/feed?utm_source=x", "https://Blog.Example/feed", "https://blog.example/feed", "https://blog.example:443/feed#comments",
        ];
        var sources = spellings.Select(NewSource).ToArray();

        var returned = await AtOnceAsync(sources.Select(source => (Func<Task<Source>>)(() => Store.AddSourceAsync(source, default))).ToArray());

        var stored = Assert.Single(await Store.ListSourcesAsync(default));
        Assert.All(returned, source => Assert.Equal(stored.Id, source.Id));
        // The caller whose source was stored gets it back; every other gets the stored one, its own left unstored.
        var winner = Assert.Single(Enumerable.Range(0, sources.Length), i => ReferenceEquals(returned[i], sources[i]));
        Assert.Equal([stored.Id], sources.Where(s => s.Id != 0).Select(s => s.Id));
        Assert.Equal(spellings[winner], stored.FeedUrl);
        Assert.Equal(1, (await Store.GetTalliesAsync(default)).ByHealth[HealthStatus.New]);

        Store = await ReopenAsync(Store);
        Assert.Equal(stored.Id, (await Store.AddSourceAsync(NewSource("https://blog.example/feed#again"), default)).Id);
        Assert.Single(await Store.ListSourcesAsync(default));
    }

    [Fact]
    public async Task A_move_onto_another_sources_address_saves_nothing_and_names_that_source()
    {
        var first = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var second = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);

        var taken = await Assert.ThrowsAsync<FeedAddressTakenException>(() => Store.ChangeSourceAsync(second.Id, stored =>
        {
            (stored.FeedUrl, stored.DisplayName) = ("https://A.example/feed#top", "Not saved");
            return true;
        }, default));

        Assert.Equal(first.Id, taken.Holder.Id);
        var unchanged = (await Store.GetSourceAsync(second.Id, default))!;
        Assert.Equal(("https://b.example/feed", (string?)null), (unchanged.FeedUrl, unchanged.DisplayName));
        Assert.Equal(second.Id, (await Store.FindSourceByFeedUrlAsync("https://b.example/feed", default))?.Id);
        Assert.Equal(first.Id, (await Store.FindSourceByFeedUrlAsync("https://a.example/feed", default))?.Id);
        // A change that keeps the address (another spelling of it) is no move.
        Assert.Equal("Kept", (await ChangeAsync(first.Id, stored => (stored.FeedUrl, stored.DisplayName) = ("https://a.example:443/feed", "Kept"))).DisplayName);
    }

    [Fact]
    public async Task An_add_and_a_move_to_one_address_at_once_leave_one_source_there()
    {
        // Several rounds, so that either may come first; each round must leave one source at the address.
        for (var round = 0; round < 6; round++)
        {
            var address = $"https://new{round}.example/feed";
            var moving = await Store.AddSourceAsync(NewSource($"https://old{round}.example/feed"), default);
            var added = NewSource(address);
            var (addedAs, taken) = ((Source?)null, (FeedAddressTakenException?)null);

            await AtOnceAsync<Source?>(
                async () => addedAs = await Store.AddSourceAsync(added, default),
                async () =>
                {
                    try
                    {
                        return await ChangeAsync(moving.Id, stored => stored.FeedUrl = $"https://NEW{round}.example/feed");
                    }
                    catch (FeedAddressTakenException refused)
                    {
                        taken = refused;
                        return null;
                    }
                });

            var there = (await Store.FindSourceByFeedUrlAsync(address, default))!;
            var all = await Store.ListSourcesAsync(default);
            Assert.Single(all, s => UrlNormalizer.ForIdentity(s.FeedUrl) == UrlNormalizer.ForIdentity(address));
            if (taken is not null)
            {
                // The add came first: the move was refused, naming the added source, and left the source where it was.
                Assert.Equal((added.Id, added.Id), (there.Id, taken.Holder.Id));
                Assert.Same(added, addedAs);
                Assert.Equal($"https://old{round}.example/feed", (await Store.GetSourceAsync(moving.Id, default))!.FeedUrl);
            }
            else
            {
                // The move came first: the add was told of the moved source and stored nothing.
                Assert.Equal((moving.Id, moving.Id, 0L), (there.Id, addedAs!.Id, added.Id));
            }
        }
    }

    [Fact]
    public async Task An_import_and_an_add_of_one_of_its_feeds_at_once_store_it_once_and_undoing_the_import_keeps_the_add()
    {
        var batch = await Store.AddImportBatchAsync(new ImportBatch { Origin = "list.opml", CreatedAt = T0 }, default);
        string[] listed = ["https://a.example/feed", "https://b.example/feed", "https://c.example/feed"];
        var imported = listed.Select(url =>
        {
            var source = NewSource(url);
            source.ImportBatch = batch.Id;
            return source;
        }).ToList();
        var curators = NewSource("https://B.example/feed");

        var returned = await AtOnceAsync<List<Source>>(
            async () =>
            {
                var stored = new List<Source>();
                foreach (var source in imported)
                {
                    stored.Add(await Store.AddSourceAsync(source, default));
                }

                return stored;
            },
            async () => [await Store.AddSourceAsync(curators, default)]);

        var atB = (await Store.FindSourceByFeedUrlAsync("https://b.example/feed", default))!;
        Assert.Equal((atB.Id, atB.Id), (returned[0][1].Id, returned[1][0].Id));
        Assert.Equal(3, (await Store.ListSourcesAsync(default)).Count);
        var importWon = ReferenceEquals(returned[0][1], imported[1]);
        Assert.NotEqual(importWon, ReferenceEquals(returned[1][0], curators));

        var undone = await Store.RemoveImportBatchAsync(batch.Id, default);

        long[] removed = importWon ? [imported[0].Id, imported[1].Id, imported[2].Id] : [imported[0].Id, imported[2].Id];
        long[] left = importWon ? [] : [curators.Id];
        Assert.Equal(removed, undone!.Order());
        Assert.Equal(left, (await Store.ListSourcesAsync(default)).Select(s => s.Id));
    }

    [Fact]
    public async Task A_poll_that_follows_a_redirect_to_another_sources_address_makes_it_that_sources_paused_duplicate()
    {
        var first = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var second = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        await ChangeAsync(first.Id, stored => stored.FeedUrl = "https://a.example/new-feed");
        Assert.Null(await Store.FindSourceByFeedUrlAsync("https://a.example/feed", default));
        Assert.Equal(first.Id, (await Store.FindSourceByFeedUrlAsync("https://A.example/new-feed#top", default))?.Id);

        // The second blog's feed now redirects to the first's new address: the two would poll one feed.
        await Store.SavePollAsync(new PollResult(second.Id) { Fetch = new FetchState { PollCount = 4 }, MovedTo = "https://a.example/new-feed" }, default);
        Store = await ReopenAsync(Store);

        var duplicate = (await Store.GetSourceAsync(second.Id, default))!;
        Assert.Equal(("https://a.example/new-feed", first.Id, SourceState.Paused, 4L), (duplicate.FeedUrl, duplicate.DuplicateOf, duplicate.State, duplicate.Fetch.PollCount));
        Assert.StartsWith($"paused: a duplicate of source {first.Id}", SourceHealthRules.Judge(duplicate).Summary, StringComparison.Ordinal);
        Assert.Equal([second.Id], (await Store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Paused }, default)).Sources.Select(s => s.Id));
        Assert.Equal(first.Id, (await Store.FindSourceByFeedUrlAsync("https://a.example/new-feed", default))?.Id);
        Assert.Null(await Store.FindSourceByFeedUrlAsync("https://b.example/feed", default));
        Assert.Equal(first.Id, (await Store.AddSourceAsync(NewSource("https://a.example/new-feed"), default)).Id);

        // Once the first is removed, the duplicate can be taken off the address it shared, and holds it.
        await Store.RemoveSourceAsync(first.Id, keepArticles: false, default);
        Assert.Null(await Store.FindSourceByFeedUrlAsync("https://a.example/new-feed", default));
        await ChangeAsync(second.Id, stored => (stored.DuplicateOf, stored.State) = (null, SourceState.Active));
        Assert.Equal(second.Id, (await Store.FindSourceByFeedUrlAsync("https://a.example/new-feed", default))?.Id);
        Assert.Equal(second.Id, (await Store.AddSourceAsync(NewSource("https://a.example/new-feed"), default)).Id);
    }

    /// <summary>
    /// A duplicate resumed (its <see cref="Source.DuplicateOf"/> cleared as it is made active, in one change) takes its
    /// address back when it is free and is found by it; while another source is there, nothing is saved and that
    /// source is named. Against an add of the address at once, one of the two has it.
    /// </summary>
    [Fact]
    public async Task A_duplicate_resumed_takes_its_address_back_in_one_step_when_it_is_free_and_names_the_source_there_when_not()
    {
        var original = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var duplicate = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        await Store.SavePollAsync(new PollResult(duplicate.Id) { MovedTo = "https://a.example/feed" }, default);
        static bool Resume(Source stored)
        {
            (stored.DuplicateOf, stored.State) = (null, SourceState.Active);
            return true;
        }

        var taken = await Assert.ThrowsAsync<FeedAddressTakenException>(() => Store.ChangeSourceAsync(duplicate.Id, Resume, default));
        Assert.Equal(original.Id, taken.Holder.Id);
        var unchanged = (await Store.GetSourceAsync(duplicate.Id, default))!;
        Assert.Equal((original.Id, SourceState.Paused), (unchanged.DuplicateOf, unchanged.State));

        // The original moves to another feed: the address is free, and the resume takes it.
        await ChangeAsync(original.Id, stored => stored.FeedUrl = "https://a.example/new-feed");
        Assert.Null(await Store.FindSourceByFeedUrlAsync("https://a.example/feed", default));
        var resumed = (await Store.ChangeSourceAsync(duplicate.Id, Resume, default))!;
        Assert.Equal(((long?)null, SourceState.Active), (resumed.DuplicateOf, resumed.State));
        Store = await ReopenAsync(Store);
        Assert.Equal(duplicate.Id, (await Store.FindSourceByFeedUrlAsync("https://A.example/feed#top", default))?.Id);
        Assert.Equal(duplicate.Id, (await Store.AddSourceAsync(NewSource("https://a.example/feed"), default)).Id);
        Assert.Equal(duplicate.Id, (await Assert.ThrowsAsync<FeedAddressTakenException>(
            () => ChangeAsync(original.Id, stored => stored.FeedUrl = "https://a.example/feed"))).Holder.Id);

        // Several rounds of a resume and an add of the address at once, so that either may come first.
        for (var round = 0; round < 6; round++)
        {
            var address = $"https://c{round}.example/feed";
            var held = await Store.AddSourceAsync(NewSource(address), default);
            var again = await Store.AddSourceAsync(NewSource($"https://d{round}.example/feed"), default);
            await Store.SavePollAsync(new PollResult(again.Id) { MovedTo = address }, default);
            await Store.RemoveSourceAsync(held.Id, keepArticles: false, default);
            var added = NewSource(address);
            var refused = (FeedAddressTakenException?)null;

            await AtOnceAsync<Source?>(
                async () => await Store.AddSourceAsync(added, default),
                async () =>
                {
                    try
                    {
                        return await Store.ChangeSourceAsync(again.Id, Resume, default);
                    }
                    catch (FeedAddressTakenException holder)
                    {
                        refused = holder;
                        return null;
                    }
                });

            var there = (await Store.FindSourceByFeedUrlAsync(address, default))!;
            Assert.Single(await Store.ListSourcesAsync(default), s => s.DuplicateOf is null && UrlNormalizer.ForIdentity(s.FeedUrl) == UrlNormalizer.ForIdentity(address));
            Assert.Equal(refused is null ? again.Id : added.Id, there.Id);
            Assert.Equal(refused is null ? SourceState.Active : SourceState.Paused, (await Store.GetSourceAsync(again.Id, default))!.State);
        }
    }

    /// <summary>Runs the calls on threads of their own, released together from a barrier; their results in order.</summary>
    private static async Task<T[]> AtOnceAsync<T>(params Func<Task<T>>[] calls)
    {
        using var barrier = new Barrier(calls.Length);
        var running = calls.Select(call => Task.Factory.StartNew(
            () =>
            {
                barrier.SignalAndWait();
                return call();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap());
        return await Task.WhenAll(running);
    }

    [Fact]
    public async Task A_source_keeps_the_password_of_its_address_and_its_outline_shows_the_address_without_it()
    {
        var source = await Store.AddSourceAsync(NewSource("https://reader:s3cret@members.example/feed"), default);

        Store = await ReopenAsync(Store);
        Assert.Equal("https://reader:s3cret@members.example/feed", (await Store.GetSourceAsync(source.Id, default))!.FeedUrl);
        Assert.Equal("https://members.example/feed", Assert.Single(await Store.ListSourceOutlinesAsync(default)).FeedUrl);
        Assert.Equal(source.Id, (await Store.FindSourceByFeedUrlAsync("https://members.example/feed", default))!.Id);
    }
}
