using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeedHub.Tests.Support;
using Xunit.Abstractions;

namespace FeedHub.Tests.Cli;

/// <summary>
/// A 4.5 MB feed of 100,000 items polled by a real <c>feedhub poll --once</c> from a real HTTP server: the newest
/// 1,000 are stored, the cap is said in the source's health (<c>sources list</c> and the API), and the process's peak
/// resident memory is printed beside a 1,000-item poll measured in the same run (a figure, not an assertion).
/// </summary>
public sealed class ItemCapTests(ITestOutputHelper output) : IDisposable
{
    private readonly List<string> _workingDirectories = [];

    private static Dictionary<string, string> Environment(int port) => new()
    {
        ["FeedHub__Urls"] = $"http://127.0.0.1:{port}",
        ["FeedHub__StarterSources"] = string.Empty,
        ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task A_feed_of_100000_items_stores_the_newest_1000_and_its_health_says_so()
    {
        var big = Feed(100_000);
        Assert.InRange(big.Length, 4_000_000, 5_000_000);
        var baselinePeak = await PollAsync(Feed(1_000), port: FeedHubProcess.FreePort());
        var (directory, port) = (NewDirectory(), FeedHubProcess.FreePort());
        var peak = await PollAsync(big, port, directory);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak RSS (VmHWM) of poll --once: {peak.Kilobytes / 1024.0:F0} MB for a {big.Length / 1e6:F1} MB feed of 100,000 items; {baselinePeak.Kilobytes / 1024.0:F0} MB for 1,000 items (baseline, same run)"));

        var list = await FeedHubProcess.RunAsync(directory, Environment(port), "sources", "list");
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("articles: 1000", list.Out, StringComparison.Ordinal);
        Assert.Contains("parse warning: kept the newest 1,000 of 100,000 items (FeedHub:Parser:MaxItems)", list.Out, StringComparison.Ordinal);

        var curator = await FeedHubProcess.RunWithInputAsync(directory, Environment(port), "correct horse battery staple\n", "curators", "add", "ada", "--password");
        var token = curator.Out.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith("fh_", StringComparison.Ordinal));
        using var server = FeedHubProcess.Start(directory, Environment(port), "serve");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var source = await TestApp.EventuallyAsync(
            async () =>
            {
                try
                {
                    return await http.GetStringAsync("/api/sources/1");
                }
                catch (HttpRequestException)
                {
                    return string.Empty;
                }
            },
            body => body.Length > 0,
            TimeSpan.FromSeconds(60));
        using var json = JsonDocument.Parse(source);
        Assert.Equal("kept the newest 1,000 of 100,000 items (FeedHub:Parser:MaxItems)", json.RootElement.GetProperty("health").GetProperty("parseWarning").GetString());
    }

    /// <summary>Adds the feed as a source and polls it once; returns the poll's peak resident memory.</summary>
    private async Task<(long Kilobytes, string Out)> PollAsync(byte[] feed, int port, string? directory = null)
    {
        directory ??= NewDirectory();
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Bytes(200, feed, "application/rss+xml; charset=utf-8"));
        var add = await FeedHubProcess.RunAsync(directory, Environment(port), "sources", "add", blog.Url("feed").AbsoluteUri);
        Assert.True(add.ExitCode == 0, add.Error);

        using var poll = FeedHubProcess.Start(directory, Environment(port), "poll", "--once");
        var peak = 0L;
        while (!poll.HasExited)
        {
            // VmHWM is the high-water mark so far: the last reading before the process ends is its peak.
            peak = Math.Max(peak, HighWaterMarkKilobytes(poll.Id) ?? 0);
            await Task.Delay(10);
        }

        var result = await poll.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("new articles", result.Out, StringComparison.Ordinal);
        return (peak, result.Out);
    }

    private static long? HighWaterMarkKilobytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>An RSS feed of undated items (about 45 bytes each, told apart by their titles), newest first as feeds list them.</summary>
    private static byte[] Feed(int items)
    {
        var text = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Firehose</title><link>https://firehose.example/</link>\n");
        for (var i = items; i > 0; i--)
        {
            text.Append(CultureInfo.InvariantCulture, $"<item><title>Post number {i}</title></item>\n");
        }

        return Encoding.UTF8.GetBytes(text.Append("</channel></rss>").ToString());
    }

    private string NewDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-cap-").FullName;
        _workingDirectories.Add(directory);
        return directory;
    }

    public void Dispose()
    {
        foreach (var directory in _workingDirectories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
