using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Storage.LiteDb;
using FeedHub.Tests.Support;
using FeedHub.Worker;

namespace FeedHub.Tests.Search;

/// <summary>The embedded store's search index through a real crash: the served process is killed with SIGKILL.</summary>
public sealed class SearchCrashTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-search-crash-").FullName;

    [Fact]
    public async Task Articles_polled_just_before_a_kill_are_found_after_the_restart()
    {
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Crash Blog", [0, 1],
            """<item><title>Lighthouse</title><guid>lighthouse</guid><description>The keeper of the lighthouse.</description></item>"""), "application/rss+xml"));
        var database = Path.Combine(_workingDirectory, "data", "feedhub.db");
        using (var store = new LiteDbFeedStore(database))
        {
            await store.AddSourceAsync(new Source { FeedUrl = blog.Url("feed.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow, Fetch = new FetchState { NextPollAt = DateTimeOffset.UtcNow } }, default);
            await store.SetSettingAsync(StarterSourcesImport.DoneSetting, "true", default);
        }

        var port = FeedHubProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["FeedHub__Storage__LiteDb__Path"] = database,
            ["FeedHub__Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
            ["FeedHub__StarterSources"] = string.Empty,
            ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        using var http = new HttpClient { BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")) };
        using (var first = FeedHubProcess.Start(_workingDirectory, settings, "serve"))
        {
            Assert.Equal(["Lighthouse"], await FoundAsync(http, "keeper"));
            first.Kill();
            await first.WaitAsync(TimeSpan.FromSeconds(30));
        }

        using var second = FeedHubProcess.Start(_workingDirectory, settings, "serve");
        Assert.Equal(["Lighthouse"], await FoundAsync(http, "keeper"));
        Assert.Equal(["Post number 0", "Post number 1"], await FoundAsync(http, "\"full text\""));
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    /// <summary>Titles of the saved-search feed, once the server answers and the search finds something.</summary>
    private static async Task<List<string?>> FoundAsync(HttpClient http, string query)
        => await TestApp.EventuallyAsync(async () =>
        {
            try
            {
                var body = await http.GetByteArrayAsync("feed.atom?q=" + Uri.EscapeDataString(query));
                return new FeedReader().Read(body).Items.Select(i => i.Title).ToList();
            }
            catch (HttpRequestException)
            {
                return [];
            }
        }, titles => titles.Count > 0, TimeSpan.FromSeconds(90));
}
