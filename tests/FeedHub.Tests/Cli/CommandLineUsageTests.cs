using System.Net;
using System.Net.Sockets;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Cli;

/// <summary>
/// How <c>feedhub</c> answers people typing at it: help on standard output without starting anything, bad usage as
/// exit code 2 with one line and the usage, failures as exit code 1 with one line, never a stack trace.
/// </summary>
public sealed class CommandLineUsageTests : IDisposable
{
    private static readonly string[] SourcesVerbs = ["add", "list", "remove", "move"];
    private static readonly string[] CuratorsVerbs = ["add", "list", "remove", "reset-password", "revoke-tokens"];
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-cli-").FullName;
    private readonly int _port = FeedHubProcess.FreePort();

    private Dictionary<string, string> Environment() => new()
    {
        ["FeedHub__Urls"] = $"http://127.0.0.1:{_port}",
        ["FeedHub__StarterSources"] = string.Empty,
    };

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("serve", "--help")]
    [InlineData("help")]
    [InlineData("sources", "--help")]
    [InlineData("sources", "move", "--help")]
    [InlineData("curators", "reset-password", "-h")]
    [InlineData("import", "--help")]
    [InlineData("parse", "--help")]
    [InlineData("--FeedHub:Roles=web", "--help")]
    public async Task Help_is_printed_on_standard_output_and_nothing_is_started(params string[] args)
    {
        // A server started by mistake would hold the port (and never exit by itself); hold it to see whether it tries.
        using var listener = new TcpListener(IPAddress.Loopback, _port);
        listener.Start();

        var run = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), args);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Error);
        Assert.False(listener.Pending(), "something connected to the port");
        Assert.False(Directory.Exists(Path.Combine(_workingDirectory, "data")), "the store was opened");
    }

    [Fact]
    public async Task Help_names_every_verb_of_the_contract()
    {
        var root = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "--help");
        var sources = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "sources", "--help");
        var curators = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "curators", "--help");

        foreach (var verb in new[] { "serve", "sources", "import", "export", "poll", "curators", "migrate", "parse", "extract" })
        {
            Assert.Contains($"  {verb} ", root.Out, StringComparison.Ordinal);
        }

        Assert.All(SourcesVerbs, verb => Assert.Contains($"  {verb} ", sources.Out, StringComparison.Ordinal));
        Assert.All(CuratorsVerbs, verb => Assert.Contains($"  {verb} ", curators.Out, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--frobnicate")]
    [InlineData("-x")]
    [InlineData("sources", "add")]
    [InlineData("sources", "remove", "three")]
    [InlineData("sources", "move", "1")]
    [InlineData("parse", "only-one-dir")]
    [InlineData("poll", "--twice")]
    [InlineData("curators", "add", "ada", "grace")]
    [InlineData("import", "list.opml", "--undo", "3")]
    [InlineData("import", "--max-sources", "0", "list.opml")]
    [InlineData("migrate", "--from", "sqlite:x.db", "--to", "postgres")]
    public async Task Bad_usage_exits_with_2_and_one_line_that_says_what_is_wrong_then_the_usage(params string[] args)
    {
        using var listener = new TcpListener(IPAddress.Loopback, _port);
        listener.Start();

        var run = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), args);

        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Split('\n');
        Assert.StartsWith("feedhub: ", lines[0], StringComparison.Ordinal);
        Assert.Single(lines, line => line.StartsWith("feedhub: ", StringComparison.Ordinal));
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
        Assert.False(listener.Pending());
    }

    [Theory]
    [InlineData("some-folder/")]
    [InlineData("some-folder")]
    public async Task Export_to_a_folder_exits_with_1_and_one_line(string target)
    {
        Directory.CreateDirectory(Path.Combine(_workingDirectory, "some-folder"));

        var run = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "export", target);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"feedhub: {target} is a folder; give a file name, such as {Path.Combine(target, "feedhub.opml")}", run.Error.TrimEnd('\n'));
        Assert.Equal(string.Empty, run.Out);
    }

    [Theory]
    [InlineData("serve", "FeedHub:Storage:Provider", "Postgress", "FeedHub:Storage:Provider 'Postgress' is not a store FeedHub knows; use LiteDb (the default, one file) or Postgres")]
    [InlineData("sources list", "FeedHub:Storage:Provider", "SQLite", "FeedHub:Storage:Provider 'SQLite' is not a store FeedHub knows")]
    [InlineData("serve", "FeedHub:Roles", "wbe", "FeedHub:Roles: 'wbe' is not a role; use web, worker, or both (web,worker)")]
    [InlineData("serve", "FeedHub:Fetcher:MaxConcurrency", "0", "FeedHub:Fetcher:MaxConcurrency must be at least 1, or nothing is ever fetched")]
    [InlineData("serve", "FeedHub:Digest:TimeZone", "Europe/Pariss", "FeedHub:Digest:TimeZone 'Europe/Pariss' is not a time zone this machine knows")]
    [InlineData("serve", "FeedHub:Digest:DaysInFeed", "0", "FeedHub:Digest:DaysInFeed must be between 1 and 366")]
    [InlineData("serve", "FeedHub:Images:CacheFor", "00:00:10", "FeedHub:Images:CacheFor must be between a minute and 30 days")]
    public async Task A_setting_feedhub_cannot_follow_stops_it_before_it_starts_naming_the_key(string command, string key, string value, string problem)
    {
        var run = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), [.. command.Split(' '), $"--{key}={value}"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"feedhub: {problem}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(OptionsValidationException)", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_workingDirectory, "data")), "nothing is made of a setting taken for another");
    }

    [Theory]
    [InlineData("serve", "FeedHub:Cluster:IdleWaitTime", "00:00:00.500", "FeedHub:Cluster:IdleWaitTime must be at least 1 second (Quartz's floor)")]
    [InlineData("serve", "FeedHub:Cluster:CheckinInterval", "00:00:00", "FeedHub:Cluster:CheckinInterval must be positive")]
    [InlineData("sources list", "FeedHub:Cluster:CheckinMisfireThreshold", "-00:00:05", "FeedHub:Cluster:CheckinMisfireThreshold must be positive")]
    public async Task A_cluster_setting_quartz_cannot_follow_stops_it_before_it_starts_naming_the_key(string command, string key, string value, string problem)
    {
        // No database listens there: the setting must be refused before anything connects to it.
        var unreachable = $"Host=127.0.0.1;Port={FeedHubProcess.FreePort()};Timeout=2";
        var run = await FeedHubProcess.RunAsync(_workingDirectory, Environment(),
            [.. command.Split(' '), "--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={unreachable}", $"--{key}={value}"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"feedhub: {problem}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_provider_set_to_nothing_is_the_default_store()
    {
        // A compose file's "${STORE:-}" sets the variable to nothing: that is no choice, so the default, not a mistake.
        var run = await FeedHubProcess.RunAsync(_workingDirectory, new Dictionary<string, string>(Environment()) { ["FeedHub__Storage__Provider"] = string.Empty }, "curators", "add", "ada");

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(_workingDirectory, "data", "feedhub.db")));
    }

    [Fact]
    public async Task A_runtime_failure_is_one_line_on_standard_error_without_a_stack_trace()
    {
        var missing = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "import", "missing.opml");
        Assert.Equal(0, (await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "curators", "add", "ada")).ExitCode);
        var noSource = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "sources", "move", "7", "https://blog.example/feed");
        File.WriteAllText(Path.Combine(_workingDirectory, "not-a-folder"), "x");
        var badStore = await FeedHubProcess.RunAsync(_workingDirectory, new Dictionary<string, string>(Environment())
        {
            ["FeedHub__Storage__LiteDb__Path"] = Path.Combine(_workingDirectory, "not-a-folder", "feedhub.db"),
        }, "sources", "list");

        foreach (var (run, message) in new[] { (missing, "there is no file missing.opml"), (noSource, "there is no source 7"), (badStore, "not-a-folder") })
        {
            Assert.Equal(1, run.ExitCode);
            var line = Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("feedhub: ", line, StringComparison.Ordinal);
            Assert.Contains(message, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Settings_given_as_arguments_reach_every_command()
    {
        var store = Path.Combine(_workingDirectory, "elsewhere", "hub.db");

        var add = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "curators", "add", "ada", $"--FeedHub:Storage:LiteDb:Path={store}");
        var list = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "curators", "list", $"--FeedHub:Storage:LiteDb:Path={store}");

        Assert.True(add.ExitCode == 0, add.Error);
        Assert.True(File.Exists(store));
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("ada", list.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sources", "list")]
    [InlineData("sources", "remove", "1")]
    [InlineData("poll", "--once")]
    [InlineData("export")]
    [InlineData("curators", "list")]
    [InlineData("curators", "revoke-tokens", "ada")]
    [InlineData("import", "--list")]
    [InlineData("import", "--undo", "1")]
    public async Task A_command_on_what_a_store_holds_run_where_there_is_no_store_says_where_it_looked_and_makes_none(params string[] args)
    {
        var run = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), args);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"feedhub: there is no FeedHub store at {Path.Combine(_workingDirectory, "data", "feedhub.db")}: its path (FeedHub:Storage:LiteDb:Path) "
            + "is read from the working directory; run feedhub in the folder FeedHub runs in, or give --FeedHub:Storage:LiteDb:Path=FILE\n",
            run.Error);
        Assert.Equal(string.Empty, run.Out);
        Assert.False(Directory.Exists(Path.Combine(_workingDirectory, "data")));
    }

    [Fact]
    public async Task A_command_that_sets_an_installation_up_makes_its_store_and_says_where_once()
    {
        var first = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "curators", "add", "ada");
        var second = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "curators", "add", "grace");
        var list = await FeedHubProcess.RunAsync(_workingDirectory, Environment(), "curators", "list");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(
            $"feedhub: a new store is made at {Path.Combine(_workingDirectory, "data", "feedhub.db")} (there was none; its path, "
            + "FeedHub:Storage:LiteDb:Path, is read from the working directory)\n",
            first.Error);
        Assert.Equal((0, string.Empty), (second.ExitCode, second.Error));
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("ada", list.Out, StringComparison.Ordinal);
        Assert.Contains("grace", list.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
