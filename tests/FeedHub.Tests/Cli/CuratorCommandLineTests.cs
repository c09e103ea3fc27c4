using System.Text;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Cli;

/// <summary><c>feedhub curators add</c>, <c>import</c> and <c>export</c> as separate processes on a real LiteDB file.</summary>
public sealed class CuratorCommandLineTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-cli-").FullName;

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["FeedHub__StarterSources"] = string.Empty,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task Curators_add_prints_a_token_once_and_keeps_only_hashes()
    {
        const string password = "a long enough password";

        var created = await FeedHubProcess.RunWithInputAsync(_workingDirectory, Environment, password + "\n", "curators", "add", "ada", "--password");
        var duplicate = await FeedHubProcess.RunAsync(_workingDirectory, Environment, "curators", "add", "ADA");
        var badUsage = await FeedHubProcess.RunAsync(_workingDirectory, Environment, "curators", "add");

        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Contains("created curator ada", created.Out, StringComparison.Ordinal);
        var token = created.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("fh_", StringComparison.Ordinal));
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("there is already a curator named 'ADA'", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(2, badUsage.ExitCode);
        var bytes = Directory.GetFiles(Path.Combine(_workingDirectory, "data"), "*.db").SelectMany(File.ReadAllBytes).ToArray();
        Assert.True(bytes.AsSpan().IndexOf("ada"u8) >= 0);
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(password)) < 0);
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(token)) < 0);
    }

    [Fact]
    public async Task Import_reports_problems_by_line_and_export_writes_the_sources_back()
    {
        var opml = Path.Combine(_workingDirectory, "in.opml");
        await File.WriteAllTextAsync(opml, """
            <?xml version="1.0"?>
            <opml version="2.0"><body>
            <outline text="Tech">
            <outline type="rss" text="Alpha" xmlUrl="https://alpha.example/feed"/>
            <outline type="rss" text="Broken" xmlUrl="not a url"/>
            <outline type="rss" text="Alpha again" xmlUrl="https://ALPHA.example/feed"/>
            </outline>
            </body></opml>
            """);

        var import = await FeedHubProcess.RunAsync(_workingDirectory, Environment, "import", opml);
        var export = await FeedHubProcess.RunAsync(_workingDirectory, Environment, "export", Path.Combine(_workingDirectory, "out.opml"));
        var toStandardOutput = await FeedHubProcess.RunAsync(_workingDirectory, Environment, "export");

        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Contains("imported 1 of 3 entries", import.Out, StringComparison.Ordinal);
        Assert.Contains("line 6: https://alpha.example/feed is listed already on line 4", import.Out, StringComparison.Ordinal);
        Assert.Contains("line 5: 'not a url' is not an http or https address", import.Out, StringComparison.Ordinal);
        Assert.Contains("exported 1 sources", export.Out, StringComparison.Ordinal);
        Assert.Contains("""xmlUrl="https://alpha.example/feed" """.Trim(), await File.ReadAllTextAsync(Path.Combine(_workingDirectory, "out.opml")), StringComparison.Ordinal);
        Assert.Contains("""<outline text="Tech" title="Tech">""", toStandardOutput.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
