using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Cluster;

/// <summary>
/// FeedHub processes sharing one PostgreSQL database, each started like an operator starts one (its roles in
/// <c>FeedHub__Roles</c>, its own working folder and home folder, as on a machine of its own), and its commands.
/// Workers are told apart in the farm's log by their user agent.
/// </summary>
public sealed class ClusterNodes(PostgresTestDatabase database, TimeSpan interval) : IDisposable
{
    public const int MaxPerHost = 2;
    private readonly List<(FeedHubProcess Process, string Folder)> _nodes = [];
    private readonly string _root = Directory.CreateTempSubdirectory("feedhub-cluster-").FullName;

    /// <summary>Starts a node with the given roles and waits until it is ready (a worker: its scheduler is running).</summary>
    public async Task<Node> StartAsync(string roles, string userAgent)
    {
        var port = FeedHubProcess.FreePort();
        var folder = Directory.CreateDirectory(Path.Combine(_root, userAgent)).FullName;
        var process = FeedHubProcess.Start(folder, Settings(roles, userAgent, port, folder), "serve");
        _nodes.Add((process, folder));
        var node = new Node(process, userAgent, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ready = await TestApp.EventuallyAsync(async () =>
        {
            try
            {
                return (await probe.GetAsync(new Uri(node.BaseUri, "readyz"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, ok => ok || process.HasExited, TimeSpan.FromSeconds(120));
        Assert.True(ready, $"{userAgent} did not become ready{(process.HasExited ? " (it exited)" : "")}; it said: {process.ErrorSoFar}");
        return node;
    }

    /// <summary>Runs a <c>feedhub</c> command against the cluster's database.</summary>
    public Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "cli")).FullName;
        return FeedHubProcess.RunAsync(folder, Settings("web", "FeedHub-cli", FeedHubProcess.FreePort(), folder), args);
    }

    public Task<(int ExitCode, string Out, string Error)> RunWithInputAsync(string input, params string[] args)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "cli")).FullName;
        return FeedHubProcess.RunWithInputAsync(folder, Settings("web", "FeedHub-cli", FeedHubProcess.FreePort(), folder), input, args);
    }

    /// <summary>A curator with an API token only; returns the token.</summary>
    public async Task<string> ApiTokenAsync()
    {
        var created = await RunAsync("curators", "add", "ops");
        Assert.Equal(0, created.ExitCode);
        return created.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("fh_", StringComparison.Ordinal));
    }

    /// <summary>Waits until the cluster's database holds at least <paramref name="count"/> articles (three minutes at most).</summary>
    public static async Task ArticlesStoredAsync(PostgresTestDatabase database, long count)
    {
        await using var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);
        Assert.Equal(count, await TestApp.EventuallyAsync(() => store.CountArticlesAsync(null, default), n => n >= count, TimeSpan.FromSeconds(180)));
    }

    public static HttpClient Api(Node node, string token)
    {
        var http = new HttpClient { BaseAddress = node.BaseUri, Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static StringContent Opml(IEnumerable<Uri> feeds)
    {
        var outlines = string.Concat(feeds.Select(f => $"<outline type=\"rss\" text=\"{f}\" xmlUrl=\"{f}\"/>"));
        return new StringContent($"<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>farm</title></head><body>{outlines}</body></opml>", Encoding.UTF8, "text/x-opml");
    }

    private Dictionary<string, string> Settings(string roles, string userAgent, int port, string folder) => new()
    {
        ["HOME"] = folder,
        ["FeedHub__Storage__Provider"] = "Postgres",
        ["ConnectionStrings__Postgres"] = database.ConnectionString,
        ["FeedHub__Roles"] = roles,
        ["FeedHub__Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
        ["FeedHub__StarterSources"] = string.Empty,
        ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
        ["FeedHub__Fetcher__UserAgent"] = userAgent,
        ["FeedHub__Fetcher__MaxPerHost"] = MaxPerHost.ToString(CultureInfo.InvariantCulture),
        ["FeedHub__Fetcher__MaxConcurrency"] = "8",
        ["FeedHub__Polling__MinInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),
        ["FeedHub__Polling__MaxInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),
        ["FeedHub__Polling__DefaultInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__FeedHub.Worker.PollJob"] = "Information",
    };

    public void Dispose()
    {
        foreach (var (process, _) in _nodes)
        {
            process.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    public sealed record Node(FeedHubProcess Process, string UserAgent, Uri BaseUri);
}
