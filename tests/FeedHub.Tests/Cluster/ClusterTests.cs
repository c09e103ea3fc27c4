using System.Text.Json;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using Xunit.Abstractions;

namespace FeedHub.Tests.Cluster;

/// <summary>
/// A cluster as an operator runs it: one web node and two workers on one PostgreSQL, every curator action sent to the
/// web node, a farm of blogs on loopback hosts. The issue's bounds (all fetched within 15 s, refreshes within 5 s) are
/// measured and printed; the tests wait for the events themselves with generous deadlines, so a loaded machine is slow
/// but not red.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output)
{
    private const int Feeds = 200;
    private const int Hosts = 10;

    /// <summary>Long enough that nothing is polled again on its own during a test: every later request is a refresh.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task An_import_and_refreshes_through_the_web_node_are_shared_by_the_workers_and_survive_a_killed_worker()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var farm = new FeedFarm(Feeds, Hosts, TimeSpan.FromMilliseconds(100));
        using var cluster = new ClusterNodes(database, Interval);
        var workerA = await cluster.StartAsync("worker", "FeedHub-A");
        var workerB = await cluster.StartAsync("worker", "FeedHub-B");
        var web = await cluster.StartAsync("web", "FeedHub-web");
        using var api = ClusterNodes.Api(web, await cluster.ApiTokenAsync());

        // One big import through the web node.
        var importedAt = DateTimeOffset.UtcNow;
        var import = await api.PostAsync("api/opml", ClusterNodes.Opml(Enumerable.Range(0, Feeds).Select(farm.FeedUrl)));
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        var firstRound = await FetchedAsync(farm, Enumerable.Range(0, Feeds).ToDictionary(feed => feed, _ => importedAt));
        var byWorker = firstRound.GroupBy(r => r.UserAgent).ToDictionary(g => g.Key, g => g.Count());
        var shareOfA = byWorker.GetValueOrDefault("FeedHub-A") / (double)Feeds;
        Figures.Report(output, $"cluster: {Feeds} feeds imported through the web node all fetched {Seconds(firstRound.Max(r => r.Ended) - importedAt)} after the import (issue: 15 s); "
            + $"first fetch after {Seconds(firstRound.Min(r => r.Started) - importedAt)}; worker A {byWorker.GetValueOrDefault("FeedHub-A")}, worker B {byWorker.GetValueOrDefault("FeedHub-B")}");
        Assert.InRange(shareOfA, 0.4, 0.6);
        await ClusterNodes.ArticlesStoredAsync(database, Feeds * FeedFarm.ItemsPerFeed);
        var ids = await SourceIdsAsync(database, farm);

        // Ten changed feeds refreshed through the web node.
        var changed = Enumerable.Range(0, 10).ToList();
        var refreshed = await RefreshAsync(api, farm, ids, changed);
        var refreshRound = await FetchedAsync(farm, refreshed);
        Figures.Report(output, $"cluster: 10 refreshes through the web node each fetched within {Slowest(refreshRound, refreshed)} of being asked for (issue: 5 s); "
            + $"worker A {refreshRound.Count(r => r.UserAgent == "FeedHub-A")}, worker B {refreshRound.Count(r => r.UserAgent == "FeedHub-B")}");

        // Ten more, held by the farm: once a worker is known to be in the middle of one of them, it is killed.
        var held = Enumerable.Range(10, 10).ToList();
        farm.Hold(held);
        var heldRefreshed = await RefreshAsync(api, farm, ids, held);
        var heldPaths = held.Select(FeedFarm.PathOf).ToHashSet();
        var running = await TestApp.EventuallyAsync(
            () => Task.FromResult(farm.InFlight.Where(r => heldPaths.Contains(r.Path) && r.UserAgent.StartsWith("FeedHub-", StringComparison.Ordinal)).ToList()),
            inFlight => inFlight.Count > 0, Deadline);
        Assert.NotEmpty(running);
        var (victim, survivor) = running[0].UserAgent == workerA.UserAgent ? (workerA, workerB) : (workerB, workerA);
        var inFlightAtKill = farm.InFlight.Where(r => r.UserAgent == victim.UserAgent && heldPaths.Contains(r.Path)).Select(r => r.Path).ToList();
        victim.Process.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await victim.Process.WaitAsync(TimeSpan.FromSeconds(30));
        farm.Release();

        // The survivor takes over the polls the victim had in hand (no request of the victim's to a held feed could
        // complete), and every refresh sent after the kill.
        var takenOver = await FetchedAsync(farm, heldRefreshed, survivor.UserAgent);
        var afterKill = Enumerable.Range(20, 10).ToList();
        var refreshedAfterKill = await RefreshAsync(api, farm, ids, afterKill);
        var lastRound = await FetchedAsync(farm, refreshedAfterKill, survivor.UserAgent);
        Figures.Report(output, $"cluster: worker {victim.UserAgent[^1]} killed with {inFlightAtKill.Count} polls in flight; {survivor.UserAgent[^1]} redid them "
            + $"{Seconds(takenOver.Where(r => inFlightAtKill.Contains(r.Path)).Select(r => r.Started).DefaultIfEmpty(killedAt).Max() - killedAt)} after the kill; "
            + $"10 refreshes sent after the kill each fetched by {survivor.UserAgent[^1]} within {Slowest(lastRound, refreshedAfterKill)} (issue: 15 s)");

        // Every new post once on the web node's merged feed, nothing else twice.
        var updates = changed.Concat(held).Concat(afterKill).Select(feed => FeedFarm.UpdateTitle(feed, 2)).ToList();
        await ClusterNodes.ArticlesStoredAsync(database, (Feeds * FeedFarm.ItemsPerFeed) + updates.Count);
        using var reader = new HttpClient { BaseAddress = web.BaseUri };
        using var merged = JsonDocument.Parse(await reader.GetStringAsync("feed.json"));
        var items = merged.RootElement.GetProperty("items").EnumerateArray().ToList();
        var titles = items.Select(i => i.GetProperty("title").GetString()!).ToList();
        Assert.All(updates, title => Assert.Single(titles, title));
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(titles.Count, titles.Distinct().Count());

        // The workers' queue agrees with the store, which says when each source is next due.
        await QueueAgreesWithTheStoreAsync(database);

        // Politeness held across the cluster the whole time: one request at a time per feed, two per host. A request
        // of the killed worker ends when its connection died with it, though the farm only notices at its next write.
        Assert.Equal(1, farm.MaxConcurrentRequestsForOneFeed);
        DateTimeOffset EndOf(FarmRequest request) => request.UserAgent == victim.UserAgent && request.Ended > killedAt ? killedAt : request.Ended;
        var busiestHost = farm.Requests.Where(r => r.UserAgent != "FeedHub-cli")
            .GroupBy(r => farm.HostOf(r.Path)).Max(host => MostAtOnce(host.Select(r => (r.Started, EndOf(r)))));
        Assert.InRange(busiestHost, 1, ClusterNodes.MaxPerHost);
    }

    [Fact]
    public async Task Sources_added_from_the_command_line_while_the_cluster_runs_are_polled_at_once_by_both_workers()
    {
        const int Added = 40;
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var farm = new FeedFarm(Added + 1, Hosts, TimeSpan.FromMilliseconds(100));
        using var cluster = new ClusterNodes(database, Interval);
        var workerA = await cluster.StartAsync("worker", "FeedHub-A");
        var workerB = await cluster.StartAsync("worker", "FeedHub-B");
        var web = await cluster.StartAsync("web", "FeedHub-web");

        // A trickle of adds, a few commands at a time, as scripts would run them.
        var added = new System.Collections.Concurrent.ConcurrentDictionary<int, DateTimeOffset>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Added), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (feed, _) =>
        {
            var result = await cluster.RunAsync("sources", "add", farm.FeedUrl(feed).AbsoluteUri, "--category", "Farm");
            Assert.True(result.ExitCode == 0, result.Error);
            added[feed] = DateTimeOffset.UtcNow;
        });

        var fetched = await FetchedAsync(farm, added.ToDictionary(a => a.Key, a => DateTimeOffset.MinValue));
        var byWorker = fetched.GroupBy(r => r.UserAgent).ToDictionary(g => g.Key, g => g.Count());
        var slowest = fetched.Max(r => r.Ended - added[int.Parse(r.Path["/feeds/".Length..^".xml".Length], System.Globalization.CultureInfo.InvariantCulture)]);
        Figures.Report(output, $"cluster: {Added} sources added by 'feedhub sources add' while the cluster ran, each fetched within {Seconds(slowest)} of its command's end "
            + $"(later than the command only: it stores and queues the poll); worker A {byWorker.GetValueOrDefault("FeedHub-A")}, worker B {byWorker.GetValueOrDefault("FeedHub-B")}");
        Assert.Equal(2, byWorker.Count);
        await ClusterNodes.ArticlesStoredAsync(database, Added * FeedFarm.ItemsPerFeed);
        using var reader = new HttpClient { BaseAddress = web.BaseUri };
        using var merged = JsonDocument.Parse(await reader.GetStringAsync("feed.json?category=Farm"));
        var titles = merged.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(n => FeedFarm.ItemTitle(n / FeedFarm.ItemsPerFeed, n % FeedFarm.ItemsPerFeed)), titles);

        // A source written to the store behind the queue's back (as a restored backup would have it) is found by the
        // minute's synchronisation, polled, and the repair is logged.
        await using (var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default))
        {
            await store.AddSourceAsync(new Core.Model.Source { FeedUrl = farm.FeedUrl(Added).AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow, Fetch = new() { NextPollAt = DateTimeOffset.UtcNow } }, default);
        }

        await FetchedAsync(farm, new Dictionary<int, DateTimeOffset> { [Added] = DateTimeOffset.MinValue });
        const string Repaired = "The poll queue had drifted from the store and was repaired: active sources with no poll queued 1,";
        var logged = await Task.WhenAny(new[] { workerA, workerB }.Select(w => w.Process.WaitForLogLineAsync(line => line.Contains(Repaired, StringComparison.Ordinal), TimeSpan.FromMinutes(3))));
        Assert.Contains(Repaired, await logged, StringComparison.Ordinal);
        workerA.Process.Kill();
        workerB.Process.Kill();
    }

    /// <summary>
    /// A refresh asked for while a worker polls the source (its feed held by the farm) fires on one worker or the
    /// other, finds the source's turn taken and waits in the queue, asked again every moment. The test waits until the
    /// worker that is not polling has found it taken, where only PostgreSQL's lock can say so, then lets the held poll
    /// end: the refresh polls after it, never beside it.
    /// </summary>
    [Fact]
    public async Task A_refresh_asked_while_a_worker_polls_the_source_is_polled_after_that_poll_never_beside_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var farm = new FeedFarm(1, 1, TimeSpan.FromMilliseconds(50));
        using var cluster = new ClusterNodes(database, Interval);
        var workerA = await cluster.StartAsync("worker", "FeedHub-A");
        var workerB = await cluster.StartAsync("worker", "FeedHub-B");
        var web = await cluster.StartAsync("web", "FeedHub-web");
        using var api = ClusterNodes.Api(web, await cluster.ApiTokenAsync());
        var added = await cluster.RunAsync("sources", "add", farm.FeedUrl(0).AbsoluteUri);
        Assert.True(added.ExitCode == 0, added.Error);
        await FetchedAsync(farm, new Dictionary<int, DateTimeOffset> { [0] = DateTimeOffset.MinValue });
        var ids = await SourceIdsAsync(database, farm);

        // The poll of a first refresh is held by the farm; a second refresh is asked for while it runs.
        farm.Hold([0]);
        var firstAsked = (await RefreshAsync(api, farm, ids, [0]))[0];
        var running = await TestApp.EventuallyAsync(
            () => Task.FromResult(farm.InFlight.Where(r => r.Path == FeedFarm.PathOf(0) && r.Started >= firstAsked).ToList()), inFlight => inFlight.Count > 0, Deadline);
        var held = Assert.Single(running);
        var other = held.UserAgent == workerA.UserAgent ? workerB : workerA;
        await RefreshAsync(api, farm, ids, [0]);
        const string TurnTaken = "was due while another poll of it was running";
        var line = await other.Process.WaitForLogLineAsync(l => l.Contains(TurnTaken, StringComparison.Ordinal), Deadline);
        Assert.Contains(TurnTaken, line, StringComparison.Ordinal);
        Assert.Single(farm.InFlight, r => r.Path == FeedFarm.PathOf(0));

        farm.Release();
        var polls = await TestApp.EventuallyAsync(
            () => Task.FromResult(farm.Requests.Where(r => r.Path == FeedFarm.PathOf(0) && r.Completed && r.Started >= firstAsked).OrderBy(r => r.Started).ToList()),
            done => done.Count >= 2, Deadline);
        Assert.Equal(2, polls.Count);
        Assert.True(polls[1].Started >= polls[0].Ended, $"the refresh's poll started at {polls[1].Started:O}, before the held poll ended at {polls[0].Ended:O}");
        Assert.Equal(1, farm.MaxConcurrentRequestsForOneFeed);
        Figures.Report(output, $"cluster: a refresh asked during a held poll on {held.UserAgent[^1]} was found waiting by {other.UserAgent[^1]} and polled "
            + $"{Seconds(polls[1].Started - polls[0].Ended)} after the held poll ended");
    }

    /// <summary>
    /// Waits until each feed has a completed request started at or after its time in <paramref name="since"/> (by
    /// <paramref name="userAgent"/>, if given); returns the first of each.
    /// </summary>
    private static async Task<List<FarmRequest>> FetchedAsync(FeedFarm farm, Dictionary<int, DateTimeOffset> since, string? userAgent = null)
    {
        var paths = since.ToDictionary(f => FeedFarm.PathOf(f.Key), f => f.Value);
        List<FarmRequest> Firsts() => farm.Requests
            .Where(r => r.Completed && paths.TryGetValue(r.Path, out var asked) && r.Started >= asked
                        && (userAgent is null ? r.UserAgent is "FeedHub-A" or "FeedHub-B" : r.UserAgent == userAgent))
            .GroupBy(r => r.Path).Select(g => g.MinBy(r => r.Started)!).ToList();
        var fetched = await TestApp.EventuallyAsync(() => Task.FromResult(Firsts()), firsts => firsts.Count == paths.Count, Deadline);
        Assert.Equal(paths.Keys.Order(), fetched.Select(r => r.Path).Order());
        return fetched;
    }

    /// <summary>Changes the feeds and asks the web node to refresh them, one after the other; returns when each was asked for.</summary>
    private static async Task<Dictionary<int, DateTimeOffset>> RefreshAsync(HttpClient api, FeedFarm farm, Dictionary<int, long> ids, IEnumerable<int> feeds)
    {
        var asked = new Dictionary<int, DateTimeOffset>();
        foreach (var feed in feeds)
        {
            farm.Change(feed);
            asked[feed] = DateTimeOffset.UtcNow;
            var refreshed = await api.PostAsync($"api/sources/{ids[feed]}/refresh", null);
            Assert.True(refreshed.IsSuccessStatusCode, await refreshed.Content.ReadAsStringAsync());
        }

        return asked;
    }

    /// <summary>The longest time from a refresh to the end of its fetch.</summary>
    private static string Slowest(List<FarmRequest> fetched, Dictionary<int, DateTimeOffset> asked)
        => Seconds(fetched.Max(r => r.Ended - asked.Single(a => FeedFarm.PathOf(a.Key) == r.Path).Value));

    /// <summary>Every active source has its poll queued at the time the store says it is next due.</summary>
    private static async Task QueueAgreesWithTheStoreAsync(PostgresTestDatabase database)
    {
        var queued = new Dictionary<string, DateTimeOffset>();
        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT trigger_name, next_fire_time FROM qrtz_triggers WHERE trigger_group = 'poll'", connection);
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                queued[rows.GetString(0)] = new DateTimeOffset(rows.GetInt64(1), TimeSpan.Zero);
            }
        }

        await using var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);
        var schedules = await store.ListSourceSchedulesAsync(default);
        Assert.All(schedules, source =>
        {
            Assert.True(queued.TryGetValue($"source-{source.Id}", out var fires), $"source {source.Id} has no poll queued");
            Assert.InRange(fires - source.NextPollAt!.Value, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1));
        });
    }

    private static async Task<Dictionary<int, long>> SourceIdsAsync(PostgresTestDatabase database, FeedFarm farm)
    {
        await using var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);
        var byUrl = (await store.ListSourcesAsync(default)).ToDictionary(s => s.FeedUrl, s => s.Id);
        return Enumerable.Range(0, farm.FeedCount).ToDictionary(feed => feed, feed => byUrl[farm.FeedUrl(feed).AbsoluteUri]);
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.0} s";

    private static int MostAtOnce(IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> intervals)
    {
        var edges = intervals.SelectMany(i => new[] { (At: i.Start, Change: 1), (At: i.End, Change: -1) }).OrderBy(e => e.At).ThenBy(e => e.Change);
        var (current, most) = (0, 0);
        foreach (var edge in edges)
        {
            current += edge.Change;
            most = Math.Max(most, current);
        }

        return most;
    }
}
