using System.Text;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Cli;

/// <summary>Curator accounts, moving a source and OPML batches from the shell: separate processes on a real LiteDB file.</summary>
public sealed class CurationCommandLineTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-cli-").FullName;

    private static Dictionary<string, string> Environment(bool allowPrivateNetworks = true) => new()
    {
        ["FeedHub__StarterSources"] = string.Empty,
        ["FeedHub__Fetcher__AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false",
    };

    private Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args) => FeedHubProcess.RunAsync(_workingDirectory, Environment(), args);

    [Fact]
    public async Task Curators_are_listed_given_new_passwords_stripped_of_tokens_and_removed()
    {
        Assert.Equal(0, (await FeedHubProcess.RunWithInputAsync(_workingDirectory, Environment(), "first password\n", "curators", "add", "ada", "--password")).ExitCode);
        Assert.Equal(0, (await RunAsync("curators", "add", "grace")).ExitCode);

        var listed = await RunAsync("curators", "list");
        var reset = await FeedHubProcess.RunWithInputAsync(_workingDirectory, Environment(), "second password\n", "curators", "reset-password", "ADA");
        var tooShort = await FeedHubProcess.RunWithInputAsync(_workingDirectory, Environment(), "short\n", "curators", "reset-password", "ada");
        var revoked = await RunAsync("curators", "revoke-tokens", "grace");
        var removed = await RunAsync("curators", "remove", "grace");
        var unknown = await RunAsync("curators", "remove", "grace");
        var after = await RunAsync("curators", "list");

        Assert.True(listed.ExitCode == 0, listed.Error);
        var lines = listed.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("ada", lines[0], StringComparison.Ordinal);
        Assert.Contains("password", lines[0], StringComparison.Ordinal);
        Assert.Contains("1 active token (fh_", lines[0], StringComparison.Ordinal);
        Assert.Contains("API only", lines[1], StringComparison.Ordinal);
        Assert.Equal(0, reset.ExitCode);
        Assert.Contains("new password set for ADA", reset.Out, StringComparison.Ordinal);
        Assert.Equal((1, "feedhub: a password needs at least 8 characters\n"), (tooShort.ExitCode, tooShort.Error));
        Assert.Equal("revoked 1 API token of grace\n", revoked.Out);
        Assert.Equal(0, removed.ExitCode);
        Assert.Equal((1, "feedhub: there is no curator named 'grace'; see feedhub curators list\n"), (unknown.ExitCode, unknown.Error));
        Assert.StartsWith("ada", Assert.Single(after.Out.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
        var bytes = Directory.GetFiles(Path.Combine(_workingDirectory, "data"), "*.db").SelectMany(File.ReadAllBytes).ToArray();
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("second password")) < 0);
    }

    [Fact]
    public async Task A_source_moved_from_the_shell_keeps_its_id_and_articles_and_duplicates_and_private_addresses_are_refused()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path switch
        {
            "/old" => HttpReply.Text(200, FeedFixtures.Rss("Old Blog", [1, 2]), "application/rss+xml"),
            "/new" => HttpReply.Text(200, FeedFixtures.Rss("New Blog", [0, 1]), "application/rss+xml"),
            "/other" => HttpReply.Text(200, FeedFixtures.Rss("Other Blog", [7]), "application/rss+xml"),
            _ => null,
        });
        Assert.Equal(0, (await RunAsync("sources", "add", blog.Url("old").AbsoluteUri)).ExitCode);
        Assert.Equal(0, (await RunAsync("sources", "add", blog.Url("other").AbsoluteUri)).ExitCode);
        Assert.Equal(0, (await RunAsync("poll", "--once")).ExitCode);

        var moved = await RunAsync("sources", "move", "1", blog.Url("new").AbsoluteUri);
        var duplicate = await RunAsync("sources", "move", "1", blog.Url("other").AbsoluteUri);
        var isPrivate = await FeedHubProcess.RunAsync(_workingDirectory, Environment(allowPrivateNetworks: false), "sources", "move", "1", "http://169.254.169.254/latest/");
        var poll = await RunAsync("poll", "--once");
        var list = await RunAsync("sources", "list");

        Assert.True(moved.ExitCode == 0, moved.Error);
        Assert.Contains($"moved source 1 (New Blog) from {blog.Url("old").AbsoluteUri} to {blog.Url("new").AbsoluteUri}", moved.Out, StringComparison.Ordinal);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("is subscribed already as source 2", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(1, isPrivate.ExitCode);
        Assert.Contains("FeedHub__Fetcher__AllowPrivateNetworks=true", isPrivate.Error, StringComparison.Ordinal);
        Assert.Contains("1 new articles", poll.Out, StringComparison.Ordinal);
        Assert.Contains(blog.Url("new").AbsoluteUri, list.Out, StringComparison.Ordinal);
        Assert.Contains("articles: 3", list.Out, StringComparison.Ordinal);
        Assert.Contains($"moved from {blog.Url("old").AbsoluteUri}", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_answers_in_its_own_words_without_the_information_log_lines_of_its_work()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path switch
        {
            "/" => HttpReply.Text(200, """
                <html><head>
                <link rel="alternate" type="application/rss+xml" href="/posts">
                <link rel="alternate" type="application/rss+xml" href="/comments">
                </head><body>A blog</body></html>
                """, "text/html"),
            "/posts" => HttpReply.Text(200, FeedFixtures.Rss("Posts", [1]), "application/rss+xml"),
            "/comments" => HttpReply.Text(200, FeedFixtures.Rss("Comments", [2]), "application/rss+xml"),
            _ => null,
        });
        Assert.Equal(0, (await RunAsync("curators", "add", "ada")).ExitCode);

        var twoFeeds = await RunAsync("sources", "add", blog.Url("/").AbsoluteUri);
        var posts = await RunAsync("sources", "add", blog.Url("/posts").AbsoluteUri);

        Assert.Equal(1, twoFeeds.ExitCode);
        var line = Assert.Single(twoFeeds.Error.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"feedhub: {blog.Url("/").AbsoluteUri} offers 2 feeds", line, StringComparison.Ordinal);
        Assert.Equal((0, string.Empty), (posts.ExitCode, posts.Error));
    }

    [Fact]
    public async Task The_sources_list_says_how_push_is_doing_for_a_source_whose_feed_names_a_hub()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path == "/feed"
            ? HttpReply.Text(200, FeedFixtures.Rss("Pushed Blog", [1]), "application/rss+xml")
            : null);
        Assert.Equal(0, (await RunAsync("sources", "add", blog.Url("feed").AbsoluteUri)).ExitCode);
        var leaseEnds = DateTimeOffset.UtcNow.AddDays(5);
        using (var store = new FeedHub.Storage.LiteDb.LiteDbFeedStore(Directory.GetFiles(Path.Combine(_workingDirectory, "data"), "*.db").Single()))
        {
            await store.SaveSourcePushAsync(new FeedHub.Core.WebSub.SourcePush
            {
                SourceId = 1,
                Hub = "https://hub.example/",
                Topic = blog.Url("feed").AbsoluteUri,
                CallbackKey = "key",
                Secret = "secret",
                State = FeedHub.Core.WebSub.PushState.Active,
                RequestedAt = DateTimeOffset.UtcNow,
                LeaseExpiresAt = leaseEnds,
                PushesReceived = 3,
                LastPushAt = DateTimeOffset.UtcNow,
            }, CancellationToken.None);
        }

        var list = await RunAsync("sources", "list");

        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains($"push: active through https://hub.example/ (lease until {leaseEnds.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC); 3 received, last 20", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_is_a_batch_that_can_be_listed_and_undone_and_private_addresses_are_refused()
    {
        var opml = Path.Combine(_workingDirectory, "list.opml");
        await File.WriteAllTextAsync(opml, """
            <?xml version="1.0"?>
            <opml version="2.0"><body>
            <outline type="rss" text="A" xmlUrl="https://a.example/feed"/>
            <outline type="rss" text="B" xmlUrl="https://b.example/feed"/>
            <outline type="rss" text="A again" xmlUrl="https://a.example/feed"/>
            <outline type="rss" text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
            </body></opml>
            """);

        var import = await FeedHubProcess.RunAsync(_workingDirectory, Environment(allowPrivateNetworks: false), "import", opml);
        var listed = await RunAsync("import", "--list");
        var undone = await RunAsync("import", "--undo", "1");
        var twice = await RunAsync("import", "--undo", "1");
        var sources = await RunAsync("sources", "list");

        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Contains("imported 2 of 4 entries", import.Out, StringComparison.Ordinal);
        Assert.Contains("as import 1 (undo: feedhub import --undo 1)", import.Out, StringComparison.Ordinal);
        Assert.True(import.Out.IndexOf("1 invalid entries", StringComparison.Ordinal) < import.Out.IndexOf("1 duplicates", StringComparison.Ordinal));
        Assert.Contains("line 6: http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a private", import.Out, StringComparison.Ordinal);
        Assert.Contains("2 added, 2 still subscribed  list.opml", listed.Out, StringComparison.Ordinal);
        Assert.Equal("undid import 1: removed 2 sources and their articles\n", undone.Out);
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("no sources yet", sources.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>feedhub poll --once</c> right after <c>feedhub import</c>: every imported source is polled in that run, a dozen
    /// feeds of one host (its politeness limit holds the polls back, never drops one).
    /// </summary>
    [Fact]
    public async Task Poll_once_right_after_an_import_polls_every_imported_source()
    {
        const int Feeds = 12;
        await using var blogs = LocalHttpServer.Serving(request => request.Path.StartsWith("/blog", StringComparison.Ordinal)
            ? HttpReply.Text(200, FeedFixtures.Rss("Blog " + request.Path[5..], [0, 1]), "application/rss+xml")
            : null);
        var opml = Path.Combine(_workingDirectory, "imported.opml");
        var outlines = Enumerable.Range(0, Feeds).Select(k => $"""<outline type="rss" text="Blog {k}" xmlUrl="{blogs.Url($"blog{k}").AbsoluteUri}"/>""");
        await File.WriteAllTextAsync(opml, $"<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><body>\n{string.Join('\n', outlines)}\n</body></opml>");

        var import = await RunAsync("import", opml);
        var poll = await RunAsync("poll", "--once");

        Assert.True(import.ExitCode == 0, import.Error);
        Assert.Contains($"imported {Feeds} of {Feeds} entries", import.Out, StringComparison.Ordinal);
        Assert.True(poll.ExitCode == 0, poll.Error);
        Assert.Contains($"polled {Feeds} sources: ", poll.Out, StringComparison.Ordinal);
        Assert.EndsWith(" 0 failed\n", poll.Out, StringComparison.Ordinal);
        Assert.Equal(
            Enumerable.Range(0, Feeds).Select(k => $"/blog{k}").Order(StringComparer.Ordinal),
            blogs.Requests.Select(r => r.Path).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_list_over_the_web_cap_is_refused_unless_previewed_or_let_through_with_a_count()
    {
        var opml = Path.Combine(_workingDirectory, "big.opml");
        // 2,000 feeds with long descriptions: over 4 MB, still quick to import.
        var padding = new string('x', 2200);
        var outlines = Enumerable.Range(0, 2000).Select(k => $"""<outline type="rss" text="Blog {k}" description="{padding}" xmlUrl="https://blog{k}.example/feed"/>""");
        await File.WriteAllTextAsync(opml, $"<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><body>\n{string.Join('\n', outlines)}\n</body></opml>");
        Assert.True(new FileInfo(opml).Length > 4 * 1024 * 1024);

        var refused = await RunAsync("import", opml);
        var dryRun = await RunAsync("import", opml, "--dry-run");
        var tooMany = await RunAsync("import", opml, "--max-sources", "1000");
        var allowed = await RunAsync("import", opml, "--max-sources", "2000");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("over the 4 MB an import takes", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("dry run: would import 2000 of 2000 entries", dryRun.Out, StringComparison.Ordinal);
        Assert.Equal(1, tooMany.ExitCode);
        Assert.Contains("would add 2000 sources, more than the 1000 allowed; nothing was imported", tooMany.Error, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.Contains("imported 2000 of 2000 entries", allowed.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
