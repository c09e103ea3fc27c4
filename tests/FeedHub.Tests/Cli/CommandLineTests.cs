using FeedHub.Tests.Support;

namespace FeedHub.Tests.Cli;

/// <summary>The <c>feedhub</c> binary as a user runs it: separate processes, a real LiteDB file, a real port.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-cli-").FullName;
    private readonly int _port = FeedHubProcess.FreePort();

    private Dictionary<string, string> Environment(bool allowPrivateNetworks = true) => new()
    {
        ["FeedHub__Urls"] = $"http://127.0.0.1:{_port}",
        ["FeedHub__StarterSources"] = string.Empty,
        ["FeedHub__Fetcher__AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task A_source_added_from_the_shell_is_served_after_start_and_a_second_process_is_turned_away()
    {
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Shell Blog", [0, 1]), "application/rss+xml"));

        var add = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "sources", "add", blog.Url("feed").AbsoluteUri, "--category", "Tech");
        Assert.True(add.ExitCode == 0, add.Error);
        Assert.Contains("added source 1: Shell Blog", add.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_workingDirectory, "data", "feedhub.db")));

        using var server = FeedHubProcess.Start(_workingDirectory, Environment(), "serve");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/") };
        var river = await TestApp.EventuallyAsync(
            async () =>
            {
                try
                {
                    return await http.GetStringAsync("/");
                }
                catch (HttpRequestException)
                {
                    return string.Empty;
                }
            },
            html => html.Contains("Post number 1", StringComparison.Ordinal));
        Assert.Contains("Post number 0", river, StringComparison.Ordinal);

        var second = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "serve");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"is in use by FeedHub process {server.Id}", second.Error, StringComparison.Ordinal);
        Assert.False(server.HasExited);
        Assert.Equal("ok", await http.GetStringAsync("/healthz"));

        var list = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "sources", "list");
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("in use", list.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_once_prints_a_summary_and_list_shows_health()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path == "/feed"
            ? HttpReply.Text(200, FeedFixtures.Rss("Listed Blog", [0, 1, 2]), "application/rss+xml")
            : HttpReply.Text(200, FeedFixtures.Rss("Soon Broken", [0]), "application/rss+xml"));
        Assert.Equal(0, (await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "sources", "add", blog.Url("feed").AbsoluteUri)).ExitCode);
        Assert.Equal(0, (await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "sources", "add", blog.Url("other").AbsoluteUri)).ExitCode);
        await blog.DisposeAsync();

        var poll = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "poll", "--once");
        var list = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "sources", "list");

        Assert.Equal(0, poll.ExitCode);
        Assert.Contains("polled 2 sources: 0 new articles, 0 updated, 2 failed", poll.Out, StringComparison.Ordinal);
        Assert.Contains("failing", list.Out, StringComparison.Ordinal);
        Assert.Contains("cannot reach 127.0.0.1: the connection was refused", list.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/feed")]
    [InlineData("http://10.0.0.8/feed")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9/feed")]
    public async Task Adding_a_private_address_without_the_switch_fails_and_says_how_to_allow_it(string url)
    {
        var add = await FeedHubProcess.RunAsync(_workingDirectory, Environment(allowPrivateNetworks: false), "sources", "add", url);

        Assert.Equal(1, add.ExitCode);
        Assert.Contains("FeedHub__Fetcher__AllowPrivateNetworks=true", add.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("sources", "add")]
    [InlineData("parse", "only-one-dir")]
    [InlineData("poll", "--twice")]
    public async Task Bad_usage_exits_with_2_and_says_what_is_wrong(params string[] args)
    {
        var run = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), args);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("feedhub: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_port_another_program_holds_exits_saying_so_and_how_to_choose_another()
    {
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, _port);
        other.Start();

        var serve = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "serve");

        Assert.Equal(1, serve.ExitCode);
        var said = serve.Error.Split('\n').Last(line => line.StartsWith("feedhub: ", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{_port}: address already in use: another program listens there", said, StringComparison.Ordinal);
        Assert.Contains("--FeedHub:Urls=", said, StringComparison.Ordinal);
        Assert.DoesNotContain("storage error", said, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
