using System.Globalization;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using FeedHub.Worker;
using Xunit.Abstractions;

namespace FeedHub.Tests.Cluster;

/// <summary>
/// Three FeedHub processes on one PostgreSQL (two workers sharing the polling through Quartz's clustered store, one
/// web node) against a farm of 1,000 feeds; one worker is killed with SIGKILL in the middle of polling.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output) : IDisposable
{
    private const int Feeds = 1000;
    private const int MaxPerHost = 2;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StartUpAllowance = TimeSpan.FromSeconds(15);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-cluster-").FullName;

    [Fact]
    public async Task Two_workers_share_the_polling_take_over_from_a_killed_one_and_the_web_node_serves_everything()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var farm = new FeedFarm(Feeds, hosts: 10, TimeSpan.FromMilliseconds(150));
        await using (var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default))
        {
            // Every feed falls due a little after the three processes have started, as in a cluster that has been
            // running a while, so the split measures the sharing and not which process finished starting first.
            var now = DateTimeOffset.UtcNow;
            var due = now + StartUpAllowance;
            for (var feed = 0; feed < Feeds; feed++)
            {
                await store.AddSourceAsync(new Source { FeedUrl = farm.FeedUrl(feed).AbsoluteUri, CreatedAt = now, Fetch = new FetchState { NextPollAt = due } }, default);
            }

            await store.SetSettingAsync(StarterSourcesImport.DoneSetting, "true", default);
        }

        var webPort = FeedHubProcess.FreePort();
        using var workerA = FeedHubProcess.Start(_workingDirectory, Settings(database, "worker", "FeedHub-A"), "serve");
        using var workerB = FeedHubProcess.Start(_workingDirectory, Settings(database, "worker", "FeedHub-B"), "serve");
        using var web = FeedHubProcess.Start(_workingDirectory, Settings(database, "web", "FeedHub-web", webPort), "serve");

        // The first round: every feed once, shared between the two workers.
        await TestApp.EventuallyAsync(() => Task.FromResult(PolledFeeds(farm)), polled => polled == Feeds, TimeSpan.FromSeconds(120));
        // The two processes start a few seconds apart on a loaded machine, so the share is measured from the moment
        // both are polling: what matters is that the cluster splits the work, not which JIT finished first.
        var firstRound = farm.Requests.ToList();
        var bothPolling = firstRound.GroupBy(r => r.UserAgent).Select(g => g.Min(r => r.Started)).Max();
        var shared = firstRound.Where(r => r.Started >= bothPolling).ToList();
        var shareOfA = shared.Count(r => r.UserAgent == "FeedHub-A") / (double)shared.Count;
        Assert.Equal(2, firstRound.Select(r => r.UserAgent).Distinct().Count());
        Assert.True(shared.Count >= Feeds / 2 && shareOfA is >= 0.35 and <= 0.65,
            $"worker A made {shareOfA:P0} of the {shared.Count} first-round requests made while both workers were polling");

        // The second round (conditional requests): worker A is killed in the middle of it.
        await TestApp.EventuallyAsync(() => Task.FromResult(farm.Requests.Count), n => n >= Feeds + (Feeds / 4), TimeSpan.FromSeconds(90));
        workerA.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var inFlightAtKill = farm.Requests.Where(r => r.UserAgent == "FeedHub-A" && r.Started < killedAt && r.Ended >= killedAt).Select(r => r.Path).ToHashSet();

        await TestApp.EventuallyAsync(
            () => Task.FromResult(SecondRound(farm) == Feeds && inFlightAtKill.All(path => farm.Requests.Any(r => r.Path == path && r.UserAgent == "FeedHub-B" && r.Started >= killedAt))),
            done => done,
            TimeSpan.FromSeconds(120));
        var requests = farm.Requests.Where(r => r.Completed).ToList();

        Assert.NotEmpty(inFlightAtKill);
        var takeovers = inFlightAtKill.Select(path => farm.Requests.Where(r => r.Path == path && r.UserAgent == "FeedHub-B" && r.Started >= killedAt).Min(r => r.Started) - killedAt).ToList();
        output.WriteLine($"first round: worker A {shareOfA:P1} of {shared.Count} requests made while both polled ({firstRound.Count} in all); {inFlightAtKill.Count} polls in flight at the kill, taken over after {takeovers.Min().TotalSeconds:0.0}–{takeovers.Max().TotalSeconds:0.0} s");
        Assert.Equal(1, farm.MaxConcurrentRequestsForOneFeed);
        // A request of the killed worker ends for politeness' sake when its connection dies with the process, though
        // the farm only notices at its next write: count it as ending at the kill.
        DateTimeOffset EndOf(FarmRequest request) => request.UserAgent == "FeedHub-A" && request.Ended > killedAt ? killedAt : request.Ended;
        var busiestHost = farm.Requests.GroupBy(r => farm.HostOf(r.Path)).Max(host => MostAtOnce(host.Select(r => (r.Started, EndOf(r)))));
        Assert.InRange(busiestHost, 1, MaxPerHost);
        foreach (var path in inFlightAtKill)
        {
            var takenOver = requests.Where(r => r.Path == path && r.UserAgent == "FeedHub-B" && r.Started >= killedAt).Min(r => (DateTimeOffset?)r.Started);
            Assert.True(takenOver is not null && takenOver.Value - killedAt <= TimeSpan.FromSeconds(10), $"{path} was taken over {takenOver - killedAt} after the kill");
        }

        // Once per interval: the only early repeats allowed are the polls worker A had in hand when it died (its
        // fetch may have finished, but not its job), which worker B redoes.
        foreach (var feed in farm.Requests.GroupBy(r => r.Path))
        {
            var polls = feed.OrderBy(r => r.Started).ToList();
            for (var i = 1; i < polls.Count; i++)
            {
                var redoneAfterKill = polls[i].Started >= killedAt && polls[i - 1].UserAgent == "FeedHub-A" && polls[i - 1].Started >= killedAt.AddSeconds(-5);
                Assert.True(redoneAfterKill || polls[i].Started - polls[i - 1].Started >= Interval * 0.85,
                    $"{feed.Key} was polled twice within {polls[i].Started - polls[i - 1].Started}");
            }
        }

        await using (var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default))
        {
            Assert.Equal(Feeds * FeedFarm.ItemsPerFeed, await store.CountArticlesAsync(null, default));
            foreach (var source in (await store.ListSourcesAsync(default)).Take(50))
            {
                Assert.Equal(FeedFarm.ItemsPerFeed, await store.CountArticlesAsync(source.Id, default));
            }
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/") };
        using var merged = JsonDocument.Parse(await http.GetStringAsync("feed.json"));
        var titles = merged.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList();
        var newest = Enumerable.Range(0, 50).Select(n => FeedFarm.ItemTitle(n / FeedFarm.ItemsPerFeed, n % FeedFarm.ItemsPerFeed)).ToList();
        Assert.Equal(newest, titles);
    }

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

    private static int PolledFeeds(FeedFarm farm) => farm.Requests.Where(r => r.Completed).Select(r => r.Path).Distinct().Count();

    private static int SecondRound(FeedFarm farm) => farm.Requests.Where(r => r.Completed).GroupBy(r => r.Path).Count(g => g.Count() >= 2);

    private static Dictionary<string, string> Settings(PostgresTestDatabase database, string roles, string userAgent, int? port = null) => new()
    {
        ["FeedHub__Storage__Provider"] = "Postgres",
        ["ConnectionStrings__Postgres"] = database.ConnectionString,
        ["FeedHub__Roles"] = roles,
        ["FeedHub__Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port ?? FeedHubProcess.FreePort()}"),
        ["FeedHub__StarterSources"] = string.Empty,
        ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
        ["FeedHub__Fetcher__UserAgent"] = userAgent,
        ["FeedHub__Fetcher__MaxPerHost"] = MaxPerHost.ToString(CultureInfo.InvariantCulture),
        ["FeedHub__Fetcher__MaxConcurrency"] = "8",
        ["FeedHub__Polling__MinInterval"] = Interval.ToString("c", CultureInfo.InvariantCulture),
        ["FeedHub__Polling__MaxInterval"] = Interval.ToString("c", CultureInfo.InvariantCulture),
        ["FeedHub__Polling__DefaultInterval"] = Interval.ToString("c", CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Warning",
    };

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
