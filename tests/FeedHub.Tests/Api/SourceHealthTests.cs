using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

/// <summary>
/// Health states from real polls of a real local blog server: each state reaches the API list, the admin list and
/// <c>/metrics</c> (counted by state, no source named unless configured).
/// </summary>
public sealed partial class SourceHealthTests
{
    private const string OldFeed = """
        <rss version="2.0"><channel><title>Old Blog</title><link>https://old.example/</link>
        <item><title>Last words</title><link>https://old.example/last</link><guid>last</guid><pubDate>Wed, 01 Jan 2025 10:00:00 GMT</pubDate></item>
        </channel></rss>
        """;

    private const string EmptyFeed = """<rss version="2.0"><channel><title>Empty Blog</title><link>https://empty.example/</link></channel></rss>""";

    /// <summary>What the garbage blog serves once it breaks: an RSS document cut before its first item ends.</summary>
    private const string GarbageFeed = """<?xml version="1.0"?><rss version="2.0"><channel><title>Garbage Blog</title><item><title>Half a po""";

    [Fact]
    public async Task Each_state_comes_from_real_polls_and_reaches_the_api_list_the_admin_list_and_the_metrics()
    {
        var garbage = false;
        var garbageRequests = new List<string?>();
        await using var server = LocalHttpServer.Serving(request =>
        {
            switch (request.Path)
            {
                case "/good":
                    return HttpReply.Text(200, FeedFixtures.Rss("Good Blog", [0, 1, 2]), "application/rss+xml");
                case "/garbage":
                    lock (garbageRequests)
                    {
                        garbageRequests.Add(request.Header("If-None-Match"));
                    }

                    var etag = garbage ? "\"v2\"" : "\"v1\"";
                    return request.Header("If-None-Match") == etag
                        ? new HttpReply(304, [], [("ETag", etag)])
                        : HttpReply.Text(200, garbage ? GarbageFeed : FeedFixtures.Rss("Garbage Blog", [0, 1, 2]), "application/rss+xml", ("ETag", etag));
                case "/empty":
                    return HttpReply.Text(200, EmptyFeed, "application/rss+xml");
                case "/old":
                    return HttpReply.Text(200, OldFeed, "application/rss+xml");
                case "/broken" or "/flaky":
                    return HttpReply.Text(500, "oops");
                case "/gone":
                    return HttpReply.Text(410, "gone");
                case "/moving":
                    return HttpReply.Redirect(301, "/good");
                default:
                    return null;
            }
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var store = app.Get<IFeedStore>();
        var poller = app.Get<SourcePoller>();
        var ids = new Dictionary<string, long>();
        foreach (var (path, polls) in new[] { ("good", 1), ("garbage", 1), ("empty", 1), ("old", 1), ("broken", 3), ("flaky", 1), ("gone", 1), ("moving", 1) })
        {
            var source = await store.AddSourceAsync(new Source { FeedUrl = server.Url(path).AbsoluteUri, Title = path, CreatedAt = DateTimeOffset.UtcNow }, default);
            ids[path] = source.Id;
            for (var i = 0; i < polls; i++)
            {
                await poller.PollAsync(source.Id, default);
            }
        }

        var healthyBefore = await StatusOfAsync(app, ids["garbage"]);
        garbage = true;
        await poller.PollAsync(ids["garbage"], default);
        var afterGarbage = await poller.PollAsync(ids["garbage"], default);

        Assert.Equal("healthy", healthyBefore);
        Assert.Equal(PollOutcome.NotModified, afterGarbage.Outcome);
        Assert.Equal([null, "\"v1\"", "\"v2\""], garbageRequests);
        var list = await app.Http.GetFromJsonAsync<JsonElement>("/api/sources");
        var sources = list.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetInt64(), s => s.GetProperty("health"));
        string Status(string path) => sources[ids[path]].GetProperty("status").GetString()!;
        string Summary(string path) => sources[ids[path]].GetProperty("summary").GetString()!;
        Assert.Equal(
            ["healthy", "degraded", "degraded", "degraded", "broken", "degraded", "retired", "moved"],
            ids.Keys.Select(Status));
        Assert.Contains("holds no item FeedHub could read", Summary("garbage"), StringComparison.Ordinal);
        Assert.Contains("kept 0 complete items", Summary("garbage"), StringComparison.Ordinal);
        Assert.Equal("degraded: the feed holds no item", Summary("empty"));
        Assert.StartsWith("degraded: no new post in ", Summary("old"), StringComparison.Ordinal);
        Assert.Contains("3 polls in a row failed", Summary("broken"), StringComparison.Ordinal);
        Assert.Contains("500 Internal Server Error", Summary("flaky"), StringComparison.Ordinal);
        Assert.Contains("410 Gone", Summary("gone"), StringComparison.Ordinal);
        Assert.Contains($"redirects permanently to {server.Url("good").AbsoluteUri}", Summary("moving"), StringComparison.Ordinal);
        var order = list.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("health").GetProperty("status").GetString()).ToList();
        Assert.Equal(["broken", "degraded", "degraded", "degraded", "degraded", "retired", "moved", "healthy"], order);
        Assert.Equal(4, list.GetProperty("counts").GetProperty("degraded").GetInt32());
        Assert.Equal(0, list.GetProperty("counts").GetProperty("push").GetInt32());

        using var curator = await AdminClient.SignedInAsync(app, "ada", Password);
        var degradedPage = await curator.GetStringAsync("/admin/sources?status=degraded");
        Assert.Contains($"data-source=\"{ids["garbage"]}\"", degradedPage, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-source=\"{ids["good"]}\"", degradedPage, StringComparison.Ordinal);
        Assert.Contains("kept 0 complete items", degradedPage, StringComparison.Ordinal);

        var metrics = Samples(await app.Http.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics["feedhub_sources{state=\"broken\"}"]);
        Assert.Equal(4, metrics["feedhub_sources{state=\"degraded\"}"]);
        Assert.Equal(1, metrics["feedhub_sources{state=\"healthy\"}"]);
        Assert.Equal(1, metrics["feedhub_sources{state=\"moved\"}"]);
        Assert.Equal(0, metrics["feedhub_sources{state=\"new\"}"]);
        Assert.Equal(5, metrics["feedhub_polls_total{outcome=\"failed\"}"]); // broken ×3, flaky, gone
        Assert.Equal(1, metrics["feedhub_polls_total{outcome=\"not_modified\"}"]);
        Assert.Equal(10, metrics["feedhub_articles_added_total"]); // three each for good, garbage and moving (redirected to good's feed), one old
        Assert.DoesNotContain(metrics.Keys, name => name.Contains("source=", StringComparison.Ordinal) || name.Contains("source_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_name_each_source_only_when_configured_and_ask_for_a_token_when_anonymous_scrapes_are_off()
    {
        await using var server = LocalHttpServer.Serving(request => request.Path == "/good"
            ? HttpReply.Text(200, FeedFixtures.Rss("Good Blog", [0, 1, 2]), "application/rss+xml")
            : HttpReply.Text(500, "oops"));
        await using var app = await TestApp.StartAsync(null, true, false, "--FeedHub:Metrics:PerSource=true", "--FeedHub:Metrics:AllowAnonymous=false");
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        var store = app.Get<IFeedStore>();
        var good = await store.AddSourceAsync(new Source { FeedUrl = server.Url("good").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var bad = await store.AddSourceAsync(new Source { FeedUrl = server.Url("bad").AbsoluteUri, Title = "Bad \"quoted\" Blog", CreatedAt = DateTimeOffset.UtcNow }, default);
        await app.Get<SourcePoller>().PollAsync(good.Id, default);
        await app.Get<SourcePoller>().PollAsync(bad.Id, default);

        var anonymous = await app.Http.GetAsync("/metrics");
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        var metrics = Samples(await (await app.Http.SendAsync(scrape)).Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(1, metrics[$"feedhub_source_up{{source=\"Good Blog\",source_id=\"{good.Id}\",state=\"healthy\"}}"]);
        Assert.Equal(0, metrics[$"feedhub_source_up{{source=\"Bad \\\"quoted\\\" Blog\",source_id=\"{bad.Id}\",state=\"degraded\"}}"]);
        Assert.Equal(1, metrics[$"feedhub_source_consecutive_failures{{source=\"Bad \\\"quoted\\\" Blog\",source_id=\"{bad.Id}\",state=\"degraded\"}}"]);
        Assert.Equal(1, metrics["feedhub_sources{state=\"degraded\"}"]);
    }

    [Fact]
    public async Task Two_FeedHubs_in_one_process_each_export_only_their_own_polls_and_sources()
    {
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Text(500, "oops"));
        await using var polling = await TestApp.StartAsync(worker: false);
        await using var idle = await TestApp.StartAsync(worker: false);
        var source = await polling.Get<IFeedStore>().AddSourceAsync(new Source { FeedUrl = server.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        await polling.Get<SourcePoller>().PollAsync(source.Id, default);

        var idleMetrics = Samples(await idle.Http.GetStringAsync("/metrics"));
        var pollingMetrics = Samples(await polling.Http.GetStringAsync("/metrics"));

        Assert.DoesNotContain(idleMetrics.Keys, series => series.StartsWith("feedhub_polls_total", StringComparison.Ordinal));
        Assert.Equal(0, idleMetrics["feedhub_sources{state=\"degraded\"}"]);
        Assert.Equal(1, pollingMetrics["feedhub_polls_total{outcome=\"failed\"}"]);
        Assert.Equal(1, pollingMetrics["feedhub_sources{state=\"degraded\"}"]);
    }

    private const string Password = "correct horse battery";

    private static async Task<string?> StatusOfAsync(TestApp app, long id)
        => (await app.Http.GetFromJsonAsync<JsonElement>($"/api/sources/{id}")).GetProperty("health").GetProperty("status").GetString();

    /// <summary>
    /// The samples of a Prometheus text answer by series (name and labels as written), without comments and
    /// OpenTelemetry's target_info; a sample line is the series, its value, then maybe a timestamp.
    /// </summary>
    internal static Dictionary<string, double> Samples(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith("target_info", StringComparison.Ordinal)))
        {
            var end = line.Contains('{', StringComparison.Ordinal) ? line.LastIndexOf('}') + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            var value = line[(end + 1)..].Split(' ')[0];
            samples[line[..end].Replace("{}", string.Empty, StringComparison.Ordinal)] = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        return samples;
    }
}
