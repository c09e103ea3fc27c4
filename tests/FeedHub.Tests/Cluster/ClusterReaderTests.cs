using System.Net;
using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Text.Json;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Readers;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Cluster;

/// <summary>
/// A subscriber's feed reader follows the merged feed on the web node of a cluster, while a worker, another process on
/// the same PostgreSQL, polls the blogs: what the worker stores reaches the web node's feeds (its cached answers follow
/// the database's content versions, told by notification), unchanged feeds are answered 304, and newsboat sees every
/// post once and a new post at its next reload.
/// </summary>
public sealed class ClusterReaderTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Newsboat_following_the_web_node_sees_each_post_a_worker_stored_once_and_a_new_one_at_its_next_reload()
    {
        var readers = FeedReaders.Directory();
        Assert.True(File.Exists("/usr/bin/newsboat"), "newsboat is missing: apt-get install -y newsboat (tests/run.sh installs it)");
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var farm = new FeedFarm(2, 1, TimeSpan.FromMilliseconds(20));
        using var cluster = new ClusterNodes(database, TimeSpan.FromMinutes(30));
        await cluster.StartAsync("worker", "FeedHub-A");
        var web = await cluster.StartAsync("web", "FeedHub-web");
        using var api = ClusterNodes.Api(web, await cluster.ApiTokenAsync());

        // A curator subscribes to two blogs through the web node; the worker polls them.
        var ids = new List<long>();
        foreach (var feed in new[] { 0, 1 })
        {
            var added = await api.PostAsJsonAsync("api/sources", new { url = farm.FeedUrl(feed).AbsoluteUri, extraction = "never" });
            Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
            using var source = JsonDocument.Parse(await added.Content.ReadAsStringAsync());
            ids.Add(source.RootElement.GetProperty("id").GetInt64());
        }

        const int Posts = 2 * FeedFarm.ItemsPerFeed;
        await ClusterNodes.ArticlesStoredAsync(database, Posts);

        // Two subscribers, one per format; each reload is a conditional request, as newsboat makes it.
        string[] feeds = ["feed.atom", "feed.rss"];
        var newsboats = feeds.ToDictionary(feed => feed, feed => new Newsboat(readers, new Uri(web.BaseUri, feed).AbsoluteUri));
        try
        {
            foreach (var newsboat in newsboats.Values)
            {
                Assert.Equal($"{Posts} unread articles", await newsboat.ReloadAsync());
                Assert.Equal($"{Posts} unread articles", await newsboat.ReloadAsync());
                var items = await newsboat.ItemsAsync();
                Assert.Equal(Posts, items.Count);
                Assert.Equal(Posts, items.Select(i => i.Guid).Distinct().Count());
            }

            // The web node answers an unchanged feed 304, whichever node wrote last.
            using var reader = new HttpClient { BaseAddress = web.BaseUri };
            var etags = new Dictionary<string, EntityTagHeaderValue>();
            foreach (var feed in feeds)
            {
                using var first = await reader.GetAsync(feed);
                etags[feed] = first.Headers.ETag ?? throw new InvalidOperationException($"{feed} has no ETag");
                Assert.Equal(HttpStatusCode.NotModified, (await ConditionalGetAsync(reader, feed, etags[feed])).StatusCode);
            }

            // A new post on the first blog; the curator refreshes it through the web node; the worker stores it.
            var title = farm.Change(0);
            var refreshed = await api.PostAsync($"api/sources/{ids[0]}/refresh", null);
            Assert.True(refreshed.IsSuccessStatusCode, await refreshed.Content.ReadAsStringAsync());
            await ClusterNodes.ArticlesStoredAsync(database, Posts + 1);

            // The web node's cached feeds are stale once the worker's write is known to it (a notification later):
            // a conditional request then gets the new feed, and each subscriber sees the new post once.
            foreach (var feed in feeds)
            {
                var changed = await TestApp.EventuallyAsync(() => ConditionalGetAsync(reader, feed, etags[feed]), r => r.StatusCode == HttpStatusCode.OK, Deadline);
                Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
                Assert.Contains(title, await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            foreach (var (feed, newsboat) in newsboats)
            {
                Assert.Equal($"{Posts + 1} unread articles", await newsboat.ReloadAsync());
                var items = await newsboat.ItemsAsync();
                Assert.Equal(Posts + 1, items.Count);
                Assert.Equal(Posts + 1, items.Select(i => i.Guid).Distinct().Count());
                Assert.Single(items, i => i.Title == title);
            }
        }
        finally
        {
            foreach (var newsboat in newsboats.Values)
            {
                newsboat.Dispose();
            }
        }
    }

    private static async Task<HttpResponseMessage> ConditionalGetAsync(HttpClient reader, string feed, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, feed);
        request.Headers.IfNoneMatch.Add(etag);
        return await reader.SendAsync(request);
    }
}
