using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeedHub.Core.WebSub;
using FeedHub.Tests.Support;
using Xunit.Abstractions;

namespace FeedHub.Tests.WebSub;

/// <summary>
/// WebSub between two real FeedHub processes, each with its own LiteDB and port: B follows A's merged feed, which
/// names A as its hub, so B subscribes through A; a post A polls from a blog reaches B by push, without B polling
/// A's feed again; tampered content is refused; leases are renewed, also after one expired while B was down.
/// </summary>
public sealed partial class WebSubBetweenTwoFeedHubsTests(ITestOutputHelper output) : IDisposable
{
    private const int LeaseSeconds = 4;
    private readonly string _root = Directory.CreateTempSubdirectory("feedhub-websub-").FullName;
    private readonly List<FeedHubProcess> _processes = [];

    [Fact]
    public async Task A_post_polled_by_A_reaches_B_by_push_with_no_poll_of_As_feed_by_B()
    {
        await using var farm = new FeedFarm(feeds: 1, hosts: 1, latency: TimeSpan.Zero);
        var (portA, portB) = (FeedHubProcess.FreePort(), FeedHubProcess.FreePort());
        var a = new Node("a", portA, _root);
        var b = new Node("b", portB, _root);

        // A, the publisher, follows a blog; its hub grants leases of 4 s at most, so renewals happen within the test.
        var envA = a.Environment(
            ("FeedHub__WebSub__Hub__MinLeaseSeconds", "1"),
            ("FeedHub__WebSub__Hub__DefaultLeaseSeconds", LeaseSeconds.ToString(CultureInfo.InvariantCulture)),
            ("FeedHub__WebSub__Hub__MaxLeaseSeconds", LeaseSeconds.ToString(CultureInfo.InvariantCulture)),
            ("FeedHub__WebSub__Hub__FirstRetryDelay", "00:00:00.500"),
            // Every request A answers is logged, so B's requests for A's feed can be counted.
            ("Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics", "Information"));
        var tokenA = await a.TokenAsync(envA);
        Assert.Equal(0, (await FeedHubProcess.RunAsync(a.Folder, envA, "sources", "add", farm.FeedUrl(0).AbsoluteUri)).ExitCode);
        var processA = Start(a, envA);
        await a.WaitReadyAsync(processA);
        using var apiA = a.Api(tokenA);
        await Until(async () => (await apiA.GetStringAsync("feed.json")).Contains(FeedFarm.ItemTitle(0, 0), StringComparison.Ordinal), "A polled the blog");

        // B, the subscriber, follows A's merged feed: its first poll finds A's hub and subscribes.
        var envB = b.Environment(("FeedHub__WebSub__Subscriber__LeaseSeconds", "3600"));
        var tokenB = await b.TokenAsync(envB);
        var feedOfA = new Uri(a.BaseUri, "feed.atom").AbsoluteUri;
        Assert.Equal(0, (await FeedHubProcess.RunAsync(b.Folder, envB, "sources", "add", feedOfA)).ExitCode);
        var processB = Start(b, envB);
        await b.WaitReadyAsync(processB);
        using var apiB = b.Api(tokenB);
        var pushOnB = await Until(async () => await PushOfAsync(apiB), push => push?.GetProperty("state").GetString() == "active", "B's push through A became active");
        var subscription = await Until(async () => await SubscriptionOnAAsync(apiA), s => s is not null, "A holds B's subscription");
        Assert.Equal(feedOfA, subscription!.Value.GetProperty("topic").GetString());
        Assert.StartsWith(new Uri(b.BaseUri, "websub/callback/1/").AbsoluteUri, subscription.Value.GetProperty("callback").GetString(), StringComparison.Ordinal);
        Assert.True(subscription.Value.GetProperty("hasSecret").GetBoolean());
        Assert.Contains("push: active through " + new Uri(a.BaseUri, "websub").AbsoluteUri, pushOnB!.Value.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var requestsForAsFeed = RequestsForFeed(processA);
        output.WriteLine($"B's requests for A's feed before push was active (discovery and first poll): {requestsForAsFeed}");

        // 1. A polls a new post from the blog; B gets it by push.
        var first = await PostOnAAndWaitOnBAsync(farm, apiA, apiB, "first post");

        // 2. Tampered or unsigned content sent to B's callback is answered 2xx, ignored and counted.
        var callback = subscription.Value.GetProperty("callback").GetString()!;
        using (var forger = new HttpClient())
        {
            var forged = Encoding.UTF8.GetBytes(ForgedFeed(feedOfA));
            foreach (var signature in new[] { WebSubSignature.Sign("a guessed secret", forged), null })
            {
                using var content = new ByteArrayContent(forged);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/atom+xml");
                using var request = new HttpRequestMessage(HttpMethod.Post, callback) { Content = content };
                if (signature is not null)
                {
                    request.Headers.TryAddWithoutValidation(WebSubSignature.Header, signature);
                }

                Assert.Equal(HttpStatusCode.Accepted, (await forger.SendAsync(request)).StatusCode);
            }
        }

        var refused = (await PushOfAsync(apiB))!.Value;
        Assert.Equal(2, refused.GetProperty("pushesRefused").GetInt64());
        Assert.Contains("unsigned", refused.GetProperty("lastRefusal").GetString(), StringComparison.Ordinal);
        Assert.Contains("2 pushes ignored", refused.GetProperty("summary").GetString(), StringComparison.Ordinal);
        // The refusal is counted before its log line is written: wait for the line, not for luck.
        await processB.WaitForLogLineAsync(line => line.Contains("signature does not match", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("Forged post", await apiB.GetStringAsync("feed.json"), StringComparison.Ordinal);

        // 3. The 4 s lease is renewed before it ends, and push still works after the first lease is over.
        var verifiedAt = subscription.Value.GetProperty("verifiedAt").GetDateTimeOffset();
        var firstExpiry = subscription.Value.GetProperty("expiresAt").GetDateTimeOffset();
        await Until(async () => await SubscriptionOnAAsync(apiA), s => s?.GetProperty("verifiedAt").GetDateTimeOffset() > verifiedAt, "B renewed its lease at A");
        await Until(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > firstExpiry.AddSeconds(1), "the first lease is over");
        var second = await PostOnAAndWaitOnBAsync(farm, apiA, apiB, "post after a renewal");

        // 4. B is down until its lease at A expires; started again, it sees the lease ended and subscribes anew.
        processB.Kill();
        await processB.WaitAsync(TimeSpan.FromSeconds(30));
        await Until(async () => await SubscriptionOnAAsync(apiA), s => s?.GetProperty("state").GetString() == "expired", "B's lease at A expired while B was down");
        var expiredAt = (await SubscriptionOnAAsync(apiA))!.Value.GetProperty("expiresAt").GetDateTimeOffset();
        var restartedB = Start(b, envB);
        await b.WaitReadyAsync(restartedB);
        await Until(async () => await SubscriptionOnAAsync(apiA), s => s?.GetProperty("state").GetString() == "active" && s.Value.GetProperty("expiresAt").GetDateTimeOffset() > expiredAt,
            "B subscribed again after its lease expired");
        await Until(async () => await PushOfAsync(apiB), push => push?.GetProperty("state").GetString() == "active", "B's push is active again");
        Assert.Contains("the push lease of source 1 with", restartedB.ErrorSoFar, StringComparison.Ordinal);
        var third = await PostOnAAndWaitOnBAsync(farm, apiA, apiB, "post after an expired lease");

        // B never fetched A's feed again: everything after its first poll came by push.
        Assert.Equal(requestsForAsFeed, RequestsForFeed(processA));
        var sourceOnB = JsonDocument.Parse(await apiB.GetStringAsync("api/sources/1")).RootElement;
        Assert.Equal(1, sourceOnB.GetProperty("health").GetProperty("pollCount").GetInt64());
        Assert.True(sourceOnB.GetProperty("push").GetProperty("pushesReceived").GetInt64() >= 1);
        Figures.Report(output, string.Create(CultureInfo.InvariantCulture,
            $"WebSub push delay, end of A's poll of the blog -> the post in B's /feed.json (probed every 50 ms): {first.OnB.TotalSeconds:0.00} s, after a renewal {second.OnB.TotalSeconds:0.00} s, after an expired lease {third.OnB.TotalSeconds:0.00} s (bound: 5 s); baseline, the same post in A's own /feed.json: {first.OnA.TotalSeconds:0.00} s, {second.OnA.TotalSeconds:0.00} s, {third.OnA.TotalSeconds:0.00} s; B's requests for A's feed meanwhile: {RequestsForFeed(processA) - requestsForAsFeed}"));
    }

    /// <summary>
    /// A new post on the blog, A polls it (asked through its API), and the time from the end of that poll until B's
    /// feed carries it; beside it, as the baseline of the same moment, the time until A's own feed does.
    /// </summary>
    private static async Task<(TimeSpan OnB, TimeSpan OnA)> PostOnAAndWaitOnBAsync(FeedFarm farm, HttpClient apiA, HttpClient apiB, string what)
    {
        var title = farm.Change(0);
        var changedAt = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await apiA.PostAsync("api/sources/1/refresh", null)).StatusCode);
        // The farm records a request once its response is sent, which may be just after A has read it.
        var polled = await Until(
            () => Task.FromResult(farm.Requests.Where(r => r.Path == FeedFarm.PathOf(0) && r.Completed && r.Started >= changedAt).Select(r => (DateTimeOffset?)r.Ended).Min()),
            ended => ended is not null, $"the farm recorded A's poll for the {what}");
        var onA = await ArrivalAsync(apiA, title, $"the {what} is on A");
        var onB = await ArrivalAsync(apiB, title, $"the {what} reached B");
        return (onB - polled!.Value, onA - polled.Value);
    }

    /// <summary>When a feed first carried the title, probing every 50 ms.</summary>
    private static async Task<DateTimeOffset> ArrivalAsync(HttpClient api, string title, string what)
    {
        await Until(async () => (await api.GetStringAsync("feed.json")).Contains(title, StringComparison.Ordinal), what, TimeSpan.FromMilliseconds(50));
        return DateTimeOffset.UtcNow;
    }

    private static async Task<JsonElement?> PushOfAsync(HttpClient api)
    {
        var source = JsonDocument.Parse(await api.GetStringAsync("api/sources/1")).RootElement;
        return source.TryGetProperty("push", out var push) && push.ValueKind == JsonValueKind.Object ? push.Clone() : null;
    }

    private static async Task<JsonElement?> SubscriptionOnAAsync(HttpClient api)
    {
        var all = JsonDocument.Parse(await api.GetStringAsync("api/websub/subscriptions")).RootElement;
        return all.GetArrayLength() == 1 ? all[0].Clone() : null;
    }

    private static int RequestsForFeed(FeedHubProcess publisher) => FeedRequest().Count(publisher.ErrorSoFar);

    private static string ForgedFeed(string self) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>FeedHub</title><id>{self}</id><updated>2026-12-01T00:00:00Z</updated>
        <entry><title>Forged post</title><id>tag:forger.example,2026:1</id><updated>2026-12-01T00:00:00Z</updated><link href="https://forger.example/1"/><content>Buy now</content></entry></feed>
        """;

    private static Task<bool> Until(Func<Task<bool>> probe, string what, TimeSpan? every = null) => Until(probe, done => done, what, every);

    private static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? every = null)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < until, $"not within 90 s: {what}");
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(200));
        }
    }

    private FeedHubProcess Start(Node node, IReadOnlyDictionary<string, string> environment)
    {
        var process = FeedHubProcess.Start(node.Folder, environment, "serve");
        _processes.Add(process);
        return process;
    }

    [GeneratedRegex(@"Request starting HTTP/\S+ (?:GET|HEAD) \S+/feed\.atom", RegexOptions.NonBacktracking)]
    private static partial Regex FeedRequest();

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>One FeedHub: its folder (its own LiteDB) and port, public at its own address.</summary>
    private sealed class Node(string name, int port, string root)
    {
        public string Folder { get; } = Directory.CreateDirectory(Path.Combine(root, name)).FullName;

        public Uri BaseUri { get; } = new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));

        public Dictionary<string, string> Environment(params (string Name, string Value)[] more)
        {
            var environment = new Dictionary<string, string>
            {
                ["HOME"] = Folder,
                ["FeedHub__Urls"] = BaseUri.AbsoluteUri.TrimEnd('/'),
                ["FeedHub__Site__BaseUrl"] = BaseUri.AbsoluteUri,
                ["FeedHub__StarterSources"] = string.Empty,
                ["FeedHub__Fetcher__AllowPrivateNetworks"] = "true",
                ["FeedHub__Polling__MinInterval"] = "01:00:00",
                ["FeedHub__Polling__DefaultInterval"] = "01:00:00",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__FeedHub.WebSub"] = "Information",
            };
            foreach (var (key, value) in more)
            {
                environment[key] = value;
            }

            return environment;
        }

        public async Task<string> TokenAsync(IReadOnlyDictionary<string, string> environment)
        {
            var created = await FeedHubProcess.RunAsync(Folder, environment, "curators", "add", "ops");
            Assert.Equal(0, created.ExitCode);
            return created.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("fh_", StringComparison.Ordinal));
        }

        public HttpClient Api(string token)
        {
            var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        }

        public async Task WaitReadyAsync(FeedHubProcess process)
        {
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            await Until(async () =>
            {
                Assert.False(process.HasExited, $"FeedHub {BaseUri} exited: {process.ErrorSoFar}");
                try
                {
                    return (await probe.GetAsync(new Uri(BaseUri, "readyz"))).IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, $"{BaseUri} is ready");
        }
    }
}
