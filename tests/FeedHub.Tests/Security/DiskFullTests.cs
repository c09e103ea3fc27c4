using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Security;

/// <summary>
/// The embedded database on a small tmpfs that fills up: <c>poll --once</c> says so in one line and exits 1, and a
/// running server turns not ready, keeps serving what it has, and comes back by itself when space returns, with
/// every article of the feed stored once.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-diskfull-").FullName;
    private int _items = 50;

    [Fact]
    public async Task Poll_once_on_a_full_disk_says_so_in_one_line_exits_1_and_loses_nothing()
    {
        using var disk = SmallDisk.Mount(16);
        await using var blog = Blog();
        var environment = Environment(disk, FeedHubProcess.FreePort());
        _items = 300;
        var added = await FeedHubProcess.RunAsync(_workingDirectory, environment, "sources", "add", blog.Url("feed.xml").AbsoluteUri);
        Assert.True(added.ExitCode == 0, added.Error);
        disk.Fill();

        var full = await FeedHubProcess.RunAsync(_workingDirectory, environment, "poll", "--once");

        Assert.Equal(1, full.ExitCode);
        Assert.Equal(string.Empty, full.Out);
        var line = Assert.Single(full.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("feedhub: storage error: No space left on device", line, StringComparison.Ordinal);

        disk.Empty();
        var again = await FeedHubProcess.RunAsync(_workingDirectory, environment, "poll", "--once");
        var third = await FeedHubProcess.RunAsync(_workingDirectory, environment, "poll", "--once");
        var list = await FeedHubProcess.RunAsync(_workingDirectory, environment, "sources", "list");

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("300 new", again.Out, StringComparison.Ordinal);
        Assert.Contains("0 new, 0 updated", third.Out, StringComparison.Ordinal);
        Assert.Contains("articles: 300", list.Out, StringComparison.Ordinal);
        SecurityTable.Row("disk full", "`poll --once` on a full 16 MB tmpfs, then again with room", 1, 1, $"exit {full.ExitCode}, one line: “{line}”; with room: 300 new, then 0 new");
    }

    [Fact]
    public async Task A_server_whose_disk_fills_is_not_ready_and_recovers_by_itself_with_nothing_lost()
    {
        using var disk = SmallDisk.Mount(16);
        await using var blog = Blog();
        var port = FeedHubProcess.FreePort();
        var environment = Environment(disk, port);
        var created = await FeedHubProcess.RunAsync(_workingDirectory, environment, "curators", "add", "ada");
        var token = created.Out.TrimEnd('\n').Split('\n')[^1];
        Assert.True((await FeedHubProcess.RunAsync(_workingDirectory, environment, "sources", "add", blog.Url("feed.xml").AbsoluteUri)).ExitCode == 0);
        using var server = FeedHubProcess.Start(_workingDirectory, environment, "serve");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await UntilAsync(server, async () => (await TitlesAsync(http)).Count == 50, "the first 50 articles");
        await UntilAsync(server, async () => (await http.GetAsync("readyz")).StatusCode == HttpStatusCode.OK, "/readyz ready (its first requests warm)");

        disk.Fill();
        Interlocked.Exchange(ref _items, 300);
        var notReady = await UntilAsync(server, async () => (await http.GetAsync("readyz")) is { StatusCode: HttpStatusCode.ServiceUnavailable } answer ? await answer.Content.ReadAsStringAsync() : null, "/readyz not ready");
        Assert.True(notReady.Contains("storage error: No space left on device", StringComparison.Ordinal), $"/readyz said {notReady}; the server said: {server.ErrorSoFar}");
        // What is stored is still served while the disk is full.
        Assert.Equal(50, (await TitlesAsync(http)).Count);
        using var river = await http.GetAsync("");
        Assert.True(river.StatusCode == HttpStatusCode.OK, $"{river.StatusCode}: {await river.Content.ReadAsStringAsync()}; the server said: {server.ErrorSoFar}");

        disk.Empty();
        await UntilAsync(server, async () => (await http.GetAsync("readyz")).StatusCode == HttpStatusCode.OK, "/readyz ready again");
        var titles = await UntilAsync(server, async () => await TitlesAsync(http) is { Count: 300 } all ? all : null, "all 300 articles after recovery");

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"Post {i}").Order(StringComparer.Ordinal), titles.Order(StringComparer.Ordinal));
        var log = server.ErrorSoFar;
        Assert.Contains("storage error: No space left on device", log, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        SecurityTable.Row("disk full", "`serve` while its 16 MB tmpfs fills, then empties", 1, 1,
            $"/readyz 503 “{notReady.Split('"').FirstOrDefault(part => part.StartsWith("storage error", StringComparison.Ordinal)) ?? "storage error"}” while full, stored pages served, ready again by itself; 300/300 articles, none twice");
    }

    private LocalHttpServer Blog() => LocalHttpServer.Serving(request => request.Path == "/feed.xml" ? HttpReply.Text(200, Feed(Volatile.Read(ref _items)), "application/rss+xml") : null);

    private static string Feed(int items)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Busy Blog</title><link>https://busy.example/</link>");
        for (var i = 0; i < items; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<item><title>Post {i}</title><link>https://busy.example/{i}</link><guid>post-{i}</guid>");
            xml.Append(CultureInfo.InvariantCulture, $"<pubDate>{new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(i):R}</pubDate>");
            xml.Append("<description>").Append(string.Concat(Enumerable.Repeat("A sentence of the post, long enough to weigh. ", 40))).Append("</description></item>");
        }

        return xml.Append("</channel></rss>").ToString();
    }

    private static Dictionary<string, string> Environment(SmallDisk disk, int port) => new()
    {
        ["FeedHub__Urls"] = $"http://127.0.0.1:{port}",
        ["FeedHub__StarterSources"] = string.Empty,
        ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
        ["FeedHub__Storage__LiteDb__Path"] = Path.Combine(disk.Path, "feedhub.db"),
        // Polls every few seconds, and as soon after a failure, so the test sees several while the disk is full.
        ["FeedHub__Polling__MinInterval"] = "00:00:02",
        ["FeedHub__Polling__DefaultInterval"] = "00:00:02",
        ["FeedHub__Polling__MaxInterval"] = "00:00:04",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>Every article title of the river, through the API's pages.</summary>
    private static async Task<List<string>> TitlesAsync(HttpClient http)
    {
        var titles = new List<string>();
        string? before = null;
        do
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"api/articles?limit=200{(before is null ? string.Empty : "&before=" + before)}"));
            titles.AddRange(page.RootElement.GetProperty("articles").EnumerateArray().Select(a => a.GetProperty("title").GetString()!));
            before = page.RootElement.GetProperty("next").GetString();
        }
        while (before is not null);
        return titles;
    }

    /// <summary>Waits for what the server does in the background (a poll, a probe): each try is an event, never a sleep's luck.</summary>
    private static async Task<T> UntilAsync<T>(FeedHubProcess server, Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                if (await probe() is { } value && value is not false)
                {
                    return value;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (server.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {what} within two minutes; the server said: {server.ErrorSoFar}");
            }

            await Task.Delay(250);
        }
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
