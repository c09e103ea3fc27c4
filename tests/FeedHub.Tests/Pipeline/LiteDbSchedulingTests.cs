using System.Globalization;
using System.Net.Http.Headers;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;
using Xunit.Abstractions;

namespace FeedHub.Tests.Pipeline;

/// <summary>The embedded store belongs to one process at a time; what one process schedules, the next one that polls polls at once.</summary>
public sealed class LiteDbSchedulingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_source_added_while_FeedHub_is_stopped_is_polled_as_soon_as_it_is_served()
    {
        await using var farm = new FeedFarm(1, hosts: 1, TimeSpan.FromMilliseconds(50));
        var folder = Directory.CreateTempSubdirectory("feedhub-litedb-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["FeedHub__StarterSources"] = string.Empty,
            ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
            ["FeedHub__Fetcher__UserAgent"] = "FeedHub-serve",
            ["FeedHub__Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FeedHubProcess.FreePort()}"),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var added = await FeedHubProcess.RunAsync(folder, new Dictionary<string, string>(settings) { ["FeedHub__Fetcher__UserAgent"] = "FeedHub-cli" },
            "sources", "add", farm.FeedUrl(0).AbsoluteUri);
        Assert.True(added.ExitCode == 0, added.Error);

        var startedAt = DateTimeOffset.UtcNow;
        using (var serve = FeedHubProcess.Start(folder, settings, "serve"))
        {
            var polled = await TestApp.EventuallyAsync(
                () => Task.FromResult(farm.Requests.FirstOrDefault(r => r.UserAgent == "FeedHub-serve" && r.Completed)),
                request => request is not null || serve.HasExited,
                Deadline);
            Assert.NotNull(polled);
            Figures.Report(output, $"litedb: a source added while stopped was fetched {(polled.Ended - startedAt).TotalSeconds:0.0} s after 'feedhub serve' was started (process start included)");
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_web_only_server_schedules_without_polling_and_a_refresh_polls_at_once_where_a_worker_runs()
    {
        await using var farm = new FeedFarm(1, hosts: 1, TimeSpan.FromMilliseconds(50));
        var data = Directory.CreateTempSubdirectory("feedhub-litedb-").FullName;
        long id;
        DateTimeOffset refreshedAt;

        // FeedHub:Roles=web alone: it serves and takes curators' changes (the refresh is stored), and polls nothing.
        await using (var web = await TestApp.StartAsync(data, worker: false))
        {
            await AuthorizeAsync(web);
            var created = await web.Http.PostAsync("/api/sources", new StringContent($"{{\"url\":\"{farm.FeedUrl(0)}\"}}", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
            id = (await web.Get<IFeedStore>().ListSourcesAsync(default)).Single().Id;
            refreshedAt = DateTimeOffset.UtcNow;
            Assert.True((await web.Http.PostAsync($"/api/sources/{id}/refresh", null)).IsSuccessStatusCode);
            Assert.True((await web.Get<IFeedStore>().GetSourceAsync(id, default))!.Fetch.NextPollAt <= DateTimeOffset.UtcNow);
            // Ready once its first requests are warm (StartupWarmUp), which may still be under way.
            var ready = await TestApp.EventuallyAsync(() => web.Http.GetAsync("/readyz"), answer => answer.IsSuccessStatusCode);
            Assert.Equal("ready", (await ready.Content.ReadAsStringAsync()).Trim());
        }

        Assert.DoesNotContain(farm.Requests, r => r.Started >= refreshedAt);

        // The same file served by web and worker: the source is polled at once, and so is a refresh.
        var startedAt = DateTimeOffset.UtcNow;
        await using (var server = await TestApp.StartAsync(data))
        {
            await FetchedSinceAsync(farm, startedAt);
            await AuthorizeAsync(server, "grace");
            var title = farm.Change(0);
            var asked = DateTimeOffset.UtcNow;
            Assert.True((await server.Http.PostAsync($"/api/sources/{id}/refresh", null)).IsSuccessStatusCode);
            var fetched = await FetchedSinceAsync(farm, asked);
            var store = server.Get<IFeedStore>();
            var article = await TestApp.EventuallyAsync(
                async () => (await store.ListArticlesAsync(new ArticleQuery { Limit = 1 }, default)).SingleOrDefault(), a => a?.Title == title, Deadline);
            Assert.Equal(title, article?.Title);
            Figures.Report(output, $"litedb: a refresh through the API fetched {(fetched.Ended - asked).TotalSeconds:0.0} s after it was asked for");
        }

        Directory.Delete(data, recursive: true);
    }

    private static async Task<FarmRequest> FetchedSinceAsync(FeedFarm farm, DateTimeOffset since)
    {
        var fetched = await TestApp.EventuallyAsync(
            () => Task.FromResult(farm.Requests.FirstOrDefault(r => r.Completed && r.Started >= since)), request => request is not null, Deadline);
        Assert.NotNull(fetched);
        return fetched;
    }

    private static async Task AuthorizeAsync(TestApp app, string name = "ada")
    {
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync(name, null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }
}
