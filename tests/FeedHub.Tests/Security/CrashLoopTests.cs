using System.Globalization;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Storage.LiteDb;
using FeedHub.Tests.Support;
using FeedHub.Worker;

namespace FeedHub.Tests.Security;

/// <summary>
/// The crash loop of the security suite: a real <c>feedhub poll --once</c> is killed with SIGKILL in the middle of
/// its polls, again and again, on the embedded store; the poll after the last kill stores every article, each once.
/// </summary>
public sealed class CrashLoopTests : IDisposable
{
    private const int Feeds = 20;
    private const int ItemsPerFeed = 200;
    private const int Kills = 12;

    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-crash-loop-").FullName;

    [Fact]
    public async Task Kill_9_during_polling_loses_and_duplicates_nothing()
    {
        var requests = 0;
        await using var blogs = LocalHttpServer.Serving(request =>
        {
            Interlocked.Increment(ref requests);
            return request.Path.StartsWith("/feeds/", StringComparison.Ordinal)
                ? HttpReply.Text(200, Feed(int.Parse(request.Path["/feeds/".Length..].Split('.')[0], CultureInfo.InvariantCulture)), "application/rss+xml")
                : null;
        });
        var database = Path.Combine(_workingDirectory, "data", "feedhub.db");
        using (var store = new LiteDbFeedStore(database))
        {
            for (var feed = 0; feed < Feeds; feed++)
            {
                await store.AddSourceAsync(new Source { FeedUrl = blogs.Url($"feeds/{feed}.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow, Fetch = new FetchState { NextPollAt = DateTimeOffset.UtcNow } }, default);
            }

            await store.SetSettingAsync(StarterSourcesImport.DoneSetting, "true", default);
        }

        var settings = new Dictionary<string, string>
        {
            ["FeedHub__Storage__LiteDb__Path"] = database,
            ["FeedHub__StarterSources"] = string.Empty,
            ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        var killed = 0;
        for (var round = 0; round < Kills; round++)
        {
            // Killed once the feed server has answered a few of this round's requests: the process is then parsing and storing.
            var before = Volatile.Read(ref requests);
            using var poll = FeedHubProcess.Start(_workingDirectory, settings, "poll", "--once");
            var wanted = before + 1 + (round % 4);
            await TestApp.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref requests) >= wanted || poll.HasExited), reached => reached, TimeSpan.FromMinutes(2));
            if (!poll.HasExited)
            {
                poll.Kill();
                killed++;
            }

            await poll.WaitAsync(TimeSpan.FromMinutes(1));
        }

        var last = await FeedHubProcess.RunAsync(_workingDirectory, settings, "poll", "--once");
        var list = await FeedHubProcess.RunAsync(_workingDirectory, settings, "sources", "list");
        var perSource = System.Text.RegularExpressions.Regex.Matches(list.Out, @"articles: (\d+)", System.Text.RegularExpressions.RegexOptions.NonBacktracking)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();

        SecurityTable.Row("crash loop", $"kill -9 of `poll --once` during polling ({Feeds} feeds × {ItemsPerFeed} items, LiteDB)", Kills, killed,
            $"{killed} kills survived; then {perSource.Sum():N0}/{Feeds * ItemsPerFeed:N0} articles stored, {perSource.Count(count => count > ItemsPerFeed)} sources with duplicates");
        Assert.True(last.ExitCode == 0, last.Error);
        Assert.Equal(Enumerable.Repeat(ItemsPerFeed, Feeds), perSource);
        Assert.True(killed >= 10, $"only {killed} of the polls were killed before they ended");
    }

    private static string Feed(int feed)
    {
        var xml = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {feed}</title><link>https://feed{feed}.example/</link>");
        for (var item = 0; item < ItemsPerFeed; item++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<item><title>Feed {feed} post {item}</title><link>https://feed{feed}.example/{item}</link><guid>feed-{feed}-{item}</guid>");
            xml.Append(CultureInfo.InvariantCulture, $"<pubDate>{new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(-(feed * ItemsPerFeed + item)):R}</pubDate>");
            xml.Append("<description>").Append(string.Concat(Enumerable.Repeat("A sentence of the post, long enough to weigh. ", 20))).Append("</description></item>");
        }

        return xml.Append("</channel></rss>").ToString();
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
