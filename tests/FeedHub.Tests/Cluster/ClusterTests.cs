using System.Globalization;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using FeedHub.Worker;

namespace FeedHub.Tests.Cluster;

/// <summary>
/// Three FeedHub processes on one PostgreSQL (two workers sharing the polling through Quartz's clustered store, one
/// web node) against a farm of 1,000 feeds; one worker is killed with SIGKILL in the middle of polling.
/// </summary>
public sealed class ClusterTests : IDisposable
{
    private const int Feeds = 1000;
    private const int MaxPerHost = 8;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-cluster-").FullName;

    [Fact]
    public async Task Two_workers_share_the_polling_take_over_from_a_killed_one_and_the_web_node_serves_everything()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var farm = new FeedFarm(Feeds, TimeSpan.FromMilliseconds(150));
        await using (var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default))
        {
            var now = DateTimeOffset.UtcNow;
            for (var feed = 0; feed < Feeds; feed++)
            {
                await store.AddSourceAsync(new Source { FeedUrl = farm.FeedUrl(feed).AbsoluteUri, CreatedAt = now, Fetch = new FetchState { NextPollAt = now } }, default);
            }

            await store.SetSettingAsync(StarterSourcesImport.DoneSetting, "true", default);
        }

        var webPort = FeedHubProcess.FreePort();
        using var workerA = FeedHubProcess.Start(_workingDirectory, Settings(database, "worker", "FeedHub-A"), "serve");
        using var workerB = FeedHubProcess.Start(_workingDirectory, Settings(database, "worker", "FeedHub-B"), "serve");
        using var web = FeedHubProcess.Start(_workingDirectory, Settings(database, "web", "FeedHub-web", webPort), "serve");

        await TestApp.EventuallyAsync(() => Task.FromResult(PolledFeeds(farm)), polled => polled >= 300, TimeSpan.FromSeconds(120));
        var beforeKill = farm.Requests.ToList();
        workerA.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        var inFlightAtKill = beforeKill.Where(r => r.UserAgent == "FeedHub-A").Select(r => r.Path).ToHashSet();
        inFlightAtKill.ExceptWith(beforeKill.Where(r => r.UserAgent == "FeedHub-A" && r.Completed && r.Ended < killedAt.AddMilliseconds(-200)).Select(r => r.Path));

        await TestApp.EventuallyAsync(() => Task.FromResult(PolledFeeds(farm)), polled => polled == Feeds, TimeSpan.FromSeconds(120));
        await TestApp.EventuallyAsync(() => Task.FromResult(farm.Requests.Count(r => r.Completed)), n => n >= Feeds * 2, TimeSpan.FromSeconds(150));
        var requests = farm.Requests.Where(r => r.Completed).ToList();

        var shareOfA = beforeKill.Count(r => r.UserAgent == "FeedHub-A") / (double)beforeKill.Count;
        Assert.InRange(shareOfA, 0.4, 0.6);
        Assert.Equal(1, farm.MaxConcurrentRequestsForOneFeed);
        Assert.InRange(farm.MaxConcurrentRequestsToTheHost, 1, MaxPerHost);
        foreach (var path in inFlightAtKill)
        {
            var takenOver = requests.Where(r => r.Path == path && r.UserAgent == "FeedHub-B" && r.Started >= killedAt).Min(r => (DateTimeOffset?)r.Started);
            Assert.True(takenOver is not null && takenOver.Value - killedAt <= TimeSpan.FromSeconds(10), $"{path} was taken over {takenOver - killedAt} after the kill");
        }

        foreach (var feed in requests.Where(r => !inFlightAtKill.Contains(r.Path)).GroupBy(r => r.Path))
        {
            var starts = feed.Select(r => r.Started).Order().ToList();
            for (var i = 1; i < starts.Count; i++)
            {
                Assert.True(starts[i] - starts[i - 1] >= Interval * 0.85, $"{feed.Key} was polled twice within {starts[i] - starts[i - 1]}");
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

    private static int PolledFeeds(FeedFarm farm) => farm.Requests.Where(r => r.Completed).Select(r => r.Path).Distinct().Count();

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
