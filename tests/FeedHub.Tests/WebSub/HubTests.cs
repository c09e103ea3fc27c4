using System.Net;
using System.Xml.Linq;
using FeedHub.Core.Storage;
using FeedHub.Core.WebSub;
using FeedHub.Tests.Support;
using FeedHub.WebSub;
using Quartz;

namespace FeedHub.Tests.WebSub;

/// <summary>
/// FeedHub as a WebSub hub (W3C WebSub §5–§7), spoken to over HTTP by a real subscriber's callbacks on their own
/// port: verification of intent, denial, leases, signed content distribution, retries, 410, unsubscribe, and the
/// private-network guard on callbacks.
/// </summary>
public sealed class HubTests
{
    private static readonly string[] HubSettings =
    [
        "--FeedHub:WebSub:Hub:MinLeaseSeconds=2",
        "--FeedHub:WebSub:Hub:MaxLeaseSeconds=3600",
        "--FeedHub:WebSub:Hub:DefaultLeaseSeconds=600",
        "--FeedHub:WebSub:Hub:DeliveryAttempts=3",
        "--FeedHub:WebSub:Hub:FirstRetryDelay=00:00:00.200",
    ];

    [Fact]
    public async Task A_subscription_exists_only_once_the_callback_echoes_the_challenge()
    {
        await using var callbacks = await CallbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(settings: HubSettings);
        callbacks.Answer("echoes");
        callbacks.Answer("wrong", EchoKind.Wrong);
        callbacks.Answer("missing", EchoKind.NotFound);
        var topic = new Uri(app.BaseUri, "feed.atom").AbsoluteUri;

        foreach (var name in new[] { "echoes", "wrong", "missing" })
        {
            var answer = await RequestAsync(app, "subscribe", topic, callbacks.Callback(name));
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        }

        await WaitUntilQuietAsync(app);
        foreach (var name in new[] { "echoes", "wrong", "missing" })
        {
            var verification = Assert.Single(callbacks.Of(name, "GET"));
            Assert.Equal(("subscribe", topic, "600"), (verification.Query["hub.mode"], verification.Query["hub.topic"], verification.Query["hub.lease_seconds"]));
            Assert.True(verification.Query["hub.challenge"].Length >= 16);
        }

        var store = app.Get<IFeedStore>();
        var subscribed = await store.FindHubSubscriptionAsync(topic, callbacks.Callback("echoes"), default);
        Assert.NotNull(subscribed);
        Assert.Equal(600, subscribed.LeaseSeconds);
        Assert.Null(await store.FindHubSubscriptionAsync(topic, callbacks.Callback("wrong"), default));
        Assert.Null(await store.FindHubSubscriptionAsync(topic, callbacks.Callback("missing"), default));
        Assert.Single(await store.ListHubSubscriptionsAsync(default));
        Assert.NotEqual(callbacks.Of("echoes", "GET")[0].Query["hub.challenge"], callbacks.Of("wrong", "GET")[0].Query["hub.challenge"]);
    }

    [Fact]
    public async Task A_topic_that_is_not_one_of_its_feeds_is_denied_with_the_reason()
    {
        await using var callbacks = await CallbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(settings: HubSettings);
        var foreign = new[]
        {
            ("elsewhere", "https://elsewhere.example/feed.atom", "not a feed of this FeedHub"),
            ("page", new Uri(app.BaseUri, "articles/1").AbsoluteUri, "its topics are feed.atom"),
            ("older", new Uri(app.BaseUri, "feed.atom?before=2026-11-01T00:00:00Z_5").AbsoluteUri, "older page"),
        };

        foreach (var (name, topic, _) in foreign)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(app, "subscribe", topic, callbacks.Callback(name))).StatusCode);
        }

        await WaitUntilQuietAsync(app);
        foreach (var (name, topic, reason) in foreign)
        {
            var denial = Assert.Single(callbacks.Of(name, "GET"));
            Assert.Equal(("denied", topic), (denial.Query["hub.mode"], denial.Query["hub.topic"]));
            Assert.Contains(reason, denial.Query["hub.reason"], StringComparison.Ordinal);
            Assert.False(denial.Query.ContainsKey("hub.challenge"));
        }

        Assert.Empty(await app.Get<IFeedStore>().ListHubSubscriptionsAsync(default));
    }

    [Fact]
    public async Task Leases_are_bounded_renewed_in_place_and_an_expired_subscription_gets_nothing()
    {
        await using var callbacks = await CallbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(settings: HubSettings);
        var store = app.Get<IFeedStore>();
        var topic = new Uri(app.BaseUri, "feed.atom").AbsoluteUri;

        await RequestAsync(app, "subscribe", topic, callbacks.Callback("short"), leaseSeconds: "1");
        await RequestAsync(app, "subscribe", topic, callbacks.Callback("long"), leaseSeconds: "999999999");
        await WaitUntilQuietAsync(app);
        Assert.Equal("2", callbacks.Of("short", "GET")[0].Query["hub.lease_seconds"]);
        Assert.Equal("3600", callbacks.Of("long", "GET")[0].Query["hub.lease_seconds"]);
        var first = (await store.FindHubSubscriptionAsync(topic, callbacks.Callback("long"), default))!;

        await RequestAsync(app, "subscribe", topic, callbacks.Callback("long"), leaseSeconds: "1800");
        await WaitUntilQuietAsync(app);
        var renewed = (await store.FindHubSubscriptionAsync(topic, callbacks.Callback("long"), default))!;
        Assert.Equal(2, callbacks.Of("long", "GET").Count);
        Assert.Equal((first.Id, first.CreatedAt, 1800), (renewed.Id, renewed.CreatedAt, renewed.LeaseSeconds));
        Assert.True(renewed.VerifiedAt >= first.VerifiedAt);
        Assert.Equal(renewed.VerifiedAt.AddSeconds(1800), renewed.ExpiresAt);

        // The short lease ends (an event on the clock, waited for, not slept for), then the feed changes.
        var lapsed = (await store.FindHubSubscriptionAsync(topic, callbacks.Callback("short"), default))!;
        await TestApp.EventuallyAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > lapsed.ExpiresAt.AddMilliseconds(100));
        await PublishAsync(app, "After the lease");

        var delivered = await callbacks.WaitForAsync("long", "POST");
        await WaitUntilQuietAsync(app);
        Assert.Contains("After the lease", delivered[0].Text, StringComparison.Ordinal);
        Assert.Empty(callbacks.Of("short", "POST"));
        Assert.True((await store.GetHubSubscriptionAsync(lapsed.Id, default))!.IsExpired(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Every_change_is_delivered_once_as_the_whole_feed_signed_with_the_subscribers_secret()
    {
        await using var callbacks = await CallbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(settings: HubSettings);
        var atom = new Uri(app.BaseUri, "feed.atom?category=Tech").AbsoluteUri;
        var json = new Uri(app.BaseUri, "feed.json").AbsoluteUri;
        await RequestAsync(app, "subscribe", atom, callbacks.Callback("signed"), secret: "s3cret-of-the-subscriber");
        await RequestAsync(app, "subscribe", json, callbacks.Callback("unsigned"));
        await WaitUntilQuietAsync(app);

        await PublishAsync(app, "Fresh post");
        var signed = (await callbacks.WaitForAsync("signed", "POST"))[0];
        var unsigned = (await callbacks.WaitForAsync("unsigned", "POST"))[0];

        Assert.Equal(WebSubSignature.Sign("s3cret-of-the-subscriber", signed.Body), signed.Headers["X-Hub-Signature"]);
        Assert.StartsWith("application/atom+xml", signed.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal($"<{app.BaseUri}websub>; rel=\"hub\", <{atom}>; rel=\"self\"", signed.Headers["Link"]);
        Assert.Contains("Fresh post", signed.Text, StringComparison.Ordinal);
        Assert.Contains("rel=\"hub\"", signed.Text, StringComparison.Ordinal);
        Assert.False(unsigned.Headers.ContainsKey("X-Hub-Signature"));
        Assert.StartsWith("application/feed+json", unsigned.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("Fresh post", unsigned.Text, StringComparison.Ordinal);

        // Asked again with nothing new: nothing is sent twice.
        await app.Get<WebSubScheduler>().RequestDistributionAsync(default);
        await WaitUntilQuietAsync(app);
        Assert.Single(callbacks.Of("signed", "POST"));
        Assert.Single(callbacks.Of("unsigned", "POST"));

        await PublishAsync(app, "Second post");
        var next = await callbacks.WaitForAsync("signed", "POST", count: 2);
        Assert.Contains("Second post", next[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_callback_is_retried_with_backoff_a_410_ends_the_subscription()
    {
        await using var callbacks = await CallbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(settings: HubSettings);
        var store = app.Get<IFeedStore>();
        var topic = new Uri(app.BaseUri, "feed.atom").AbsoluteUri;
        callbacks.Answer("flaky", postStatus: 200, firstPostStatuses: [500, 503]);
        callbacks.Answer("down", postStatus: 500);
        callbacks.Answer("gone", postStatus: 410);
        foreach (var name in new[] { "flaky", "down", "gone" })
        {
            await RequestAsync(app, "subscribe", topic, callbacks.Callback(name));
        }

        await WaitUntilQuietAsync(app);
        await PublishAsync(app, "Hard to deliver");
        await callbacks.WaitForAsync("flaky", "POST", count: 3);
        await callbacks.WaitForAsync("down", "POST", count: 3);
        await callbacks.WaitForAsync("gone", "POST");
        await WaitUntilQuietAsync(app);

        var flaky = (await store.FindHubSubscriptionAsync(topic, callbacks.Callback("flaky"), default))!;
        Assert.Equal([500, 503, 200], callbacks.Of("flaky", "POST").Select(r => r.AnsweredWith));
        Assert.Equal((1L, 0, null), (flaky.Deliveries, flaky.FailedAttempts, flaky.LastError));
        var down = (await store.FindHubSubscriptionAsync(topic, callbacks.Callback("down"), default))!;
        Assert.Equal(3, callbacks.Of("down", "POST").Count);
        Assert.Contains("gave up on this content after 3 attempts", down.LastError, StringComparison.Ordinal);
        Assert.Null(await store.FindHubSubscriptionAsync(topic, callbacks.Callback("gone"), default));

        // Given up on, the same content is not offered again; the ended subscription gets nothing more.
        await app.Get<WebSubScheduler>().RequestDistributionAsync(default);
        await WaitUntilQuietAsync(app);
        Assert.Equal(3, callbacks.Of("down", "POST").Count);
        Assert.Single(callbacks.Of("gone", "POST"));
    }

    [Fact]
    public async Task An_unsubscribe_is_verified_then_nothing_more_is_delivered()
    {
        await using var callbacks = await CallbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(settings: HubSettings);
        var topic = new Uri(app.BaseUri, "digest.atom").AbsoluteUri;
        await RequestAsync(app, "subscribe", topic, callbacks.Callback("leaver"));
        await WaitUntilQuietAsync(app);
        Assert.NotNull(await app.Get<IFeedStore>().FindHubSubscriptionAsync(topic, callbacks.Callback("leaver"), default));

        Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(app, "unsubscribe", topic, callbacks.Callback("leaver"))).StatusCode);
        await WaitUntilQuietAsync(app);

        var verification = callbacks.Of("leaver", "GET");
        Assert.Equal(["subscribe", "unsubscribe"], verification.Select(r => r.Query["hub.mode"]));
        Assert.False(verification[1].Query.ContainsKey("hub.lease_seconds"));
        Assert.Empty(await app.Get<IFeedStore>().ListHubSubscriptionsAsync(default));
    }

    [Fact]
    public async Task A_callback_on_a_private_address_is_refused_as_fetching_is_and_bad_requests_say_what_is_wrong()
    {
        await using var callbacks = await CallbackServer.StartAsync();
        await using var app = await TestApp.StartAsync(allowPrivateNetworks: false, settings: HubSettings);
        var topic = new Uri(app.BaseUri, "feed.atom").AbsoluteUri;

        var refused = await RequestAsync(app, "subscribe", topic, callbacks.Callback("private"));
        var problem = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("hub.callback is refused", problem, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", problem, StringComparison.Ordinal);
        foreach (var (mode, callback, secret, expected) in new[]
        {
            ("follow", "https://reader.example/cb", "", "hub.mode must be subscribe or unsubscribe"),
            ("subscribe", "ftp://reader.example/cb", "", "hub.callback must be an absolute http(s) address"),
            ("subscribe", "https://reader.example/cb", new string('s', 200), "hub.secret must be shorter than 200 bytes"),
        })
        {
            var bad = await RequestAsync(app, mode, topic, callback, secret: secret);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(expected, await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await WaitUntilQuietAsync(app);
        Assert.Empty(callbacks.Requests);
        Assert.Empty(await app.Get<IFeedStore>().ListHubSubscriptionsAsync(default));
    }

    [Fact]
    public async Task Every_feed_advertises_the_hub_and_its_own_topic_in_the_document_and_the_link_header()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: HubSettings);
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        for (var i = 0; i < 51; i++)
        {
            await StoreSeeder.ArticleAsync(store, source, $"Post {i}", DateTimeOffset.UtcNow.AddHours(-i - 1));
        }

        var hub = new Uri(app.BaseUri, "websub").AbsoluteUri;
        foreach (var (path, marker) in new[] { ("feed.atom", "rel=\"hub\""), ("feed.rss", "rel=\"hub\""), ("feed.json", "\"hubs\""), ("feed.atom?category=Tech", "rel=\"hub\""), ("digest.atom", "rel=\"hub\"") })
        {
            var response = await app.Http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal($"<{hub}>; rel=\"hub\", <{new Uri(app.BaseUri, path).AbsoluteUri}>; rel=\"self\"", string.Join(", ", response.Headers.GetValues("Link")));
            Assert.Contains(marker, body, StringComparison.Ordinal);
            Assert.Contains(hub, body, StringComparison.Ordinal);
        }

        var first = await app.Http.GetStringAsync("feed.atom");
        var next = XDocument.Parse(first).Root!.Elements(XName.Get("link", "http://www.w3.org/2005/Atom"))
            .Select(l => (Rel: (string?)l.Attribute("rel"), Href: (string?)l.Attribute("href"))).FirstOrDefault(l => l.Rel == "next").Href;
        Assert.NotNull(next);
        var older = await app.Http.GetAsync(next);
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        Assert.False(older.Headers.Contains("Link"));
        Assert.DoesNotContain("rel=\"hub\"", await older.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    internal static async Task<HttpResponseMessage> RequestAsync(TestApp app, string mode, string topic, string callback, string? leaseSeconds = null, string? secret = null)
    {
        var form = new Dictionary<string, string> { ["hub.mode"] = mode, ["hub.topic"] = topic, ["hub.callback"] = callback };
        if (leaseSeconds is not null)
        {
            form["hub.lease_seconds"] = leaseSeconds;
        }

        if (secret is not null)
        {
            form["hub.secret"] = secret;
        }

        using var content = new FormUrlEncodedContent(form);
        return await app.Http.PostAsync("websub", content);
    }

    /// <summary>A new post in the river, and the hub told that its feeds changed (what a poll that stored it does).</summary>
    private static async Task PublishAsync(TestApp app, string title)
    {
        var store = app.Get<IFeedStore>();
        var sources = await store.ListSourcesAsync(default);
        var source = sources.Count > 0 ? sources[0] : await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        await StoreSeeder.ArticleAsync(store, source, title, DateTimeOffset.UtcNow);
        await app.Get<WebSubScheduler>().RequestDistributionAsync(default);
    }

    /// <summary>
    /// Waits until the hub has no WebSub work queued or running (verifications, distribution, deliveries and their
    /// retries), twice in a row: what it was asked to do is done.
    /// </summary>
    internal static async Task WaitUntilQuietAsync(TestApp app)
    {
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        var quietInARow = 0;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (quietInARow < 2)
        {
            Assert.True(DateTime.UtcNow < until, "WebSub work did not finish within 60 s");
            var pending = (await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(WebSubScheduler.Group)))
                .Where(key => !key.Name.EndsWith("-every-minute", StringComparison.Ordinal));
            var running = (await scheduler.QueryFireInstances(new FireInstanceQuery { State = null })).Items.Where(fire => fire.TriggerKey.Group == WebSubScheduler.Group);
            quietInARow = pending.Any() || running.Any() ? 0 : quietInARow + 1;
            await Task.Delay(100);
        }
    }
}
