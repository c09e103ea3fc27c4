using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using Npgsql;

namespace FeedHub.Tests.Cluster;

/// <summary>
/// FeedHub's hub on a cluster: one web node and two workers on one PostgreSQL. Verifying a subscriber and delivering
/// to it are Quartz jobs of the clustered scheduler, so a subscriber is asked to verify once and gets each change
/// once, whichever worker polled the change and whichever ran the delivery.
/// </summary>
public sealed class ClusterWebSubTests
{
    /// <summary>Long enough that nothing is polled again on its own during the test: the second poll is a refresh.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task With_two_workers_a_subscriber_is_verified_once_and_gets_each_change_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var callbacks = await CallbackServer.StartAsync();
        int[] posts = [2];
        await using var blog = LocalHttpServer.Serving(request => request.Path == "/feed"
            ? HttpReply.Text(200, FeedFixtures.Rss("Pushed Blog", Volatile.Read(ref posts)), "application/rss+xml")
            : null);
        using var cluster = new ClusterNodes(database, Interval);
        await cluster.StartAsync("worker", "FeedHub-A");
        await cluster.StartAsync("worker", "FeedHub-B");
        var web = await cluster.StartAsync("web", "FeedHub-web");
        using var api = ClusterNodes.Api(web, await cluster.ApiTokenAsync());

        // A subscriber of the merged feed, through the web node.
        var topic = new Uri(web.BaseUri, "feed.atom").AbsoluteUri;
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["hub.mode"] = "subscribe",
            ["hub.topic"] = topic,
            ["hub.callback"] = callbacks.Callback("planet"),
        }))
        {
            var subscribed = await api.PostAsync("websub", form);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, subscribed.StatusCode);
        }

        await callbacks.WaitForAsync("planet", "GET", deadline: TimeSpan.FromSeconds(120));

        // A source added from the shell is polled at once by one of the workers; its post reaches the subscriber.
        var added = await cluster.RunAsync("sources", "add", blog.Url("feed").AbsoluteUri);
        Assert.True(added.ExitCode == 0, added.Error);
        var first = await callbacks.WaitForAsync("planet", "POST", deadline: TimeSpan.FromSeconds(120));
        Assert.Contains("Post number 2", first[0].Text, StringComparison.Ordinal);

        // A second post, refreshed through the web node.
        Volatile.Write(ref posts, [1, 2]);
        var refreshed = await api.PostAsync($"api/sources/{await SourceIdAsync(database)}/refresh", null);
        Assert.True(refreshed.IsSuccessStatusCode, await refreshed.Content.ReadAsStringAsync());
        var second = await callbacks.WaitForAsync("planet", "POST", count: 2, deadline: TimeSpan.FromSeconds(120));
        Assert.Contains("Post number 1", second[1].Text, StringComparison.Ordinal);

        await WebSubQuietAsync(database);
        Assert.Single(callbacks.Of("planet", "GET"));
        Assert.Equal(2, callbacks.Of("planet", "POST").Count);
    }

    private static async Task<long> SourceIdAsync(PostgresTestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM sources", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until no WebSub work is queued (but the every-minute sweeps) or running anywhere in the cluster, twice in a
    /// row: a second delivery of a change, if any worker were to make one, has been made.
    /// </summary>
    private static async Task WebSubQuietAsync(PostgresTestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'websub' AND trigger_name NOT LIKE '%-every-minute')
                 + (SELECT count(*) FROM qrtz_fired_triggers WHERE trigger_group = 'websub')
            """, connection);
        var quietInARow = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (quietInARow < 2)
        {
            Assert.True(DateTime.UtcNow < until, "the cluster's WebSub work did not finish within 120 s");
            quietInARow = (long)(await command.ExecuteScalarAsync())! == 0 ? quietInARow + 1 : 0;
            await Task.Delay(200);
        }
    }
}
