using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

public sealed class SourceHealthTests
{
    private const string OldFeed = """
        <rss version="2.0"><channel><title>Old Blog</title><link>https://old.example/</link>
        <item><title>Last words</title><link>https://old.example/last</link><guid>last</guid><pubDate>Wed, 01 Jan 2025 10:00:00 GMT</pubDate></item>
        </channel></rss>
        """;

    [Fact]
    public async Task Broken_sources_come_first_with_their_reason_in_the_api_and_in_the_metrics()
    {
        await using var server = LocalHttpServer.Serving(request => request.Path switch
        {
            "/good" or "/new" => HttpReply.Text(200, FeedFixtures.Rss("Good Blog", [0, 1]), "application/rss+xml"),
            "/old" => HttpReply.Text(200, OldFeed, "application/rss+xml"),
            "/broken" => HttpReply.Text(500, "oops"),
            "/gone" => HttpReply.Text(410, "gone"),
            "/moved" => HttpReply.Redirect(301, "/new"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var store = app.Get<IFeedStore>();
        var poller = app.Get<SourcePoller>();
        async Task<Source> PolledAsync(string path, int polls)
        {
            var source = await store.AddSourceAsync(new Source { FeedUrl = server.Url(path).AbsoluteUri, Title = path, CreatedAt = DateTimeOffset.UtcNow }, default);
            for (var i = 0; i < polls; i++)
            {
                await poller.PollAsync(source.Id, default);
            }

            return (await store.GetSourceAsync(source.Id, default))!;
        }

        var good = await PolledAsync("good", 2);
        var broken = await PolledAsync("broken", 3);
        var gone = await PolledAsync("gone", 1);
        var moved = await PolledAsync("moved", 3);
        var quiet = await PolledAsync("old", 1);

        var list = await app.Http.GetFromJsonAsync<JsonElement>("/api/sources");
        var sources = list.GetProperty("sources").EnumerateArray().ToList();
        var statuses = sources.Select(s => s.GetProperty("health").GetProperty("status").GetString()).ToList();
        Assert.Equal(["broken", "retired", "quiet", "healthy", "healthy"], statuses);
        var first = sources[0].GetProperty("health");
        Assert.Equal(broken.Id, sources[0].GetProperty("id").GetInt64());
        Assert.Equal(3, first.GetProperty("consecutiveFailures").GetInt32());
        Assert.Contains("500 Internal Server Error", first.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("410 Gone", sources[1].GetProperty("health").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("no new post in ", sources[2].GetProperty("health").GetProperty("summary").GetString(), StringComparison.Ordinal);
        var movedHealth = sources.Single(s => s.GetProperty("id").GetInt64() == moved.Id).GetProperty("health");
        Assert.Equal(server.Url("moved").AbsoluteUri, movedHealth.GetProperty("movedFrom").GetString());
        var goodHealth = sources.Single(s => s.GetProperty("id").GetInt64() == good.Id).GetProperty("health");
        Assert.Equal(2, goodHealth.GetProperty("pollCount").GetInt64());
        Assert.True(goodHealth.GetProperty("itemsPerWeek").GetDouble() > 0);
        Assert.Equal(1, list.GetProperty("counts").GetProperty("broken").GetInt32());
        Assert.Equal(quiet.Id, sources[2].GetProperty("id").GetInt64());
        Assert.Equal(gone.Id, sources[1].GetProperty("id").GetInt64());

        var metrics = await app.Http.GetStringAsync("/metrics");
        Assert.Contains("feedhub_sources{state=\"broken\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("feedhub_sources{state=\"retired\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("feedhub_sources{state=\"healthy\"} 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"feedhub_source_consecutive_failures{{source_id=\"{broken.Id}\",source=\"broken\",state=\"broken\"}} 3\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"feedhub_source_up{{source_id=\"{good.Id}\",source=\"Good Blog\",state=\"healthy\"}} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE feedhub_polls_total counter", metrics, StringComparison.Ordinal);
    }
}
