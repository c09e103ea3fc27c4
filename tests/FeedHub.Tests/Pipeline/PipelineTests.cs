using System.Net;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using FeedHub.Worker;

namespace FeedHub.Tests.Pipeline;

/// <summary>A source goes in, Quartz polls it from a real local HTTP server, articles land in LiteDB and come back out.</summary>
public sealed class PipelineTests
{
    [Fact]
    public async Task A_new_source_is_polled_and_served_on_the_river_and_in_three_valid_feeds()
    {
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Test Blog", [0, 1, 2]), "application/rss+xml"));
        await using var app = await TestApp.StartAsync();

        var added = await app.Get<SourceCatalog>().AddAsync(blog.Url("feed.xml").AbsoluteUri, new SourceSettings { Categories = ["Tech"] }, default);
        Assert.Equal(AddSourceStatus.Added, added.Status);
        await app.Get<SourceScheduler>().ScheduleAsync(added.Source!.Id, DateTimeOffset.UtcNow, default);

        var river = await TestApp.EventuallyAsync(() => app.Http.GetStringAsync("/"), html => html.Contains("Post number 2", StringComparison.Ordinal));
        Assert.Contains("Post number 0", river, StringComparison.Ordinal);
        Assert.Contains("Test Blog", river, StringComparison.Ordinal);
        Assert.True(river.IndexOf("Post number 0", StringComparison.Ordinal) < river.IndexOf("Post number 2", StringComparison.Ordinal), "newest first");

        var reader = new FeedReader();
        foreach (var (path, format) in new[] { ("feed.atom", FeedFormat.Atom), ("feed.rss", FeedFormat.Rss), ("feed.json", FeedFormat.Json) })
        {
            var body = await app.Http.GetByteArrayAsync(path);
            var parsed = reader.Read(body, null, new Uri(app.BaseUri, path));
            Assert.Equal(format, parsed.Format);
            Assert.Null(parsed.Error);
            Assert.Equal(["Post number 0", "Post number 1", "Post number 2"], parsed.Items.Select(i => i.Title));
            Assert.Equal(["Author 0", "Author 1", "Author 2"], parsed.Items.Select(i => i.Author));
            Assert.Equal(FeedFixtures.Newest, parsed.Items[0].Published);
            Assert.Contains("Full text of post 0.", parsed.Items[0].Content ?? parsed.Items[0].Summary, StringComparison.Ordinal);
            if (format != FeedFormat.Json)
            {
                using var xml = XmlReader.Create(new MemoryStream(body));
                var syndication = SyndicationFeed.Load(xml);
                Assert.Equal(3, syndication.Items.Count());
                Assert.All(syndication.Items, item => Assert.Equal("Test Blog", item.SourceFeed?.Title?.Text));
            }
        }

        using var json = JsonDocument.Parse(await app.Http.GetByteArrayAsync("feed.json"));
        Assert.Equal("https://jsonfeed.org/version/1.1", json.RootElement.GetProperty("version").GetString());
        var first = json.RootElement.GetProperty("items")[0];
        Assert.Equal("https://blog.example/posts/0", first.GetProperty("url").GetString());
        Assert.Contains(first.GetProperty("authors").EnumerateArray(), a => a.GetProperty("name").GetString() == "Test Blog");
    }

    [Fact]
    public async Task A_restart_keeps_everything_an_unchanged_feed_costs_a_304_and_a_changed_feed_adds_only_its_new_items()
    {
        var items = new List<int> { 1, 2 };
        await using var blog = LocalHttpServer.Serving(request =>
        {
            var etag = $"\"items-{items.Count}\"";
            return request.Header("If-None-Match") == etag
                ? new HttpReply(304, [], [("ETag", etag)])
                : HttpReply.Text(200, FeedFixtures.Rss("Restart Blog", items), "application/rss+xml", ("ETag", etag));
        });
        long sourceId;
        string dataDirectory;
        await using (var first = await TestApp.StartAsync(worker: false))
        {
            dataDirectory = first.DataDirectory;
            var added = await first.Get<SourceCatalog>().AddAsync(blog.Url("feed").AbsoluteUri, SourceSettings.None, default);
            sourceId = added.Source!.Id;
            var report = await first.Get<SourcePoller>().PollAsync(sourceId, default);
            Assert.Equal(2, report.Added);
        }

        await using var second = await TestApp.StartAsync(dataDirectory, worker: false);
        var store = second.Get<IFeedStore>();
        Assert.Single(await store.ListSourcesAsync(default));
        Assert.Equal(2, await store.CountArticlesAsync(sourceId, default));

        var unchanged = await second.Get<SourcePoller>().PollAsync(sourceId, default);
        Assert.Equal(PollOutcome.NotModified, unchanged.Outcome);
        Assert.Equal("\"items-2\"", blog.Requests.Last().Header("If-None-Match"));

        items.Insert(0, 0);
        var changed = await second.Get<SourcePoller>().PollAsync(sourceId, default);
        Assert.Equal(PollOutcome.Updated, changed.Outcome);
        Assert.Equal(1, changed.Added);
        Assert.Equal(0, changed.Updated);
        Assert.Equal(3, await store.CountArticlesAsync(sourceId, default));
        var source = await store.GetSourceAsync(sourceId, default);
        Assert.Equal(1, source!.Fetch.NotModifiedCount);
        Assert.True(source.Fetch.BytesSaved > 0);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/feed")]
    [InlineData("http://10.0.0.8/feed")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:9/feed")]
    public async Task Private_addresses_are_refused_when_adding_without_the_switch(string url)
    {
        await using var app = await TestApp.StartAsync(allowPrivateNetworks: false);

        var result = await app.Get<SourceCatalog>().AddAsync(url, SourceSettings.None, default);

        Assert.Equal(AddSourceStatus.Refused, result.Status);
        Assert.Contains("FeedHub:Fetcher:AllowPrivateNetworks=true", result.Error, StringComparison.Ordinal);
        Assert.Empty(await app.Get<IFeedStore>().ListSourcesAsync(default));
    }

    [Fact]
    public async Task A_source_that_became_private_is_refused_at_poll_time_with_the_reason()
    {
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Inside", [1]), "application/rss+xml"));
        string dataDirectory;
        long sourceId;
        await using (var open = await TestApp.StartAsync(worker: false))
        {
            dataDirectory = open.DataDirectory;
            sourceId = (await open.Get<SourceCatalog>().AddAsync(blog.Url("feed").AbsoluteUri, SourceSettings.None, default)).Source!.Id;
        }

        await using var guarded = await TestApp.StartAsync(dataDirectory, allowPrivateNetworks: false, worker: false);
        var report = await guarded.Get<SourcePoller>().PollAsync(sourceId, default);

        Assert.Equal(PollOutcome.Failed, report.Outcome);
        Assert.Contains("private, loopback or link-local", report.Error, StringComparison.Ordinal);
        var source = await guarded.Get<IFeedStore>().GetSourceAsync(sourceId, default);
        Assert.Equal(FetchErrorKind.Blocked, source!.Fetch.LastErrorKind);
        Assert.Single(blog.Requests);
    }

    [Fact]
    public async Task Broken_sources_record_readable_errors_while_the_others_keep_being_polled_and_nothing_is_lost()
    {
        var broken = false;
        await using var server = LocalHttpServer.Serving(request => request.Path switch
        {
            "/good" => HttpReply.Text(200, FeedFixtures.Rss("Good", [1, 2]), "application/rss+xml"),
            "/flaky" when !broken => HttpReply.Text(200, FeedFixtures.Rss("Flaky", [1]), "application/rss+xml"),
            "/flaky" => HttpReply.Text(200, "<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>", "text/html"),
            "/empty" => HttpReply.Text(200, string.Empty, "application/rss+xml"),
            "/binary" => HttpReply.Bytes(200, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "image/png"),
            "/missing" => HttpReply.Text(404, "not found"),
            "/error" => HttpReply.Text(500, "oops"),
            "/slow" => HttpReply.Text(200, FeedFixtures.Rss("Slow", [1]), "application/rss+xml") with { DripDelay = TimeSpan.FromMilliseconds(500) },
            "/huge" => HttpReply.Bytes(200, new byte[11 * 1024 * 1024], "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var catalog = app.Get<SourceCatalog>();
        var good = (await catalog.AddAsync(server.Url("good").AbsoluteUri, SourceSettings.None, default)).Source!;
        var flaky = (await catalog.AddAsync(server.Url("flaky").AbsoluteUri, SourceSettings.None, default)).Source!;
        var poller = app.Get<SourcePoller>();
        Assert.Equal(1, (await poller.PollAsync(flaky.Id, default)).Added);
        var others = new List<Source>();
        foreach (var path in new[] { "empty", "binary", "missing", "error", "slow", "huge" })
        {
            var source = new Source { FeedUrl = server.Url(path).AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow };
            others.Add(await store.AddSourceAsync(source, default));
        }

        broken = true;
        var reports = await Task.WhenAll(new[] { good, flaky }.Concat(others).Select(s => poller.PollAsync(s.Id, default)));

        var byId = reports.ToDictionary(r => r.SourceId);
        Assert.Equal(2, byId[good.Id].Added);
        Assert.Contains("HTML page", byId[flaky.Id].Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await store.CountArticlesAsync(flaky.Id, default));
        string?[] expected = ["empty", "not", "404 Not Found", "500 Internal Server Error", "within 3 s", "larger than 10 MB"];
        for (var i = 0; i < others.Count; i++)
        {
            var stored = await store.GetSourceAsync(others[i].Id, default);
            Assert.Equal(PollOutcome.Failed, byId[others[i].Id].Outcome);
            Assert.NotNull(stored!.Fetch.LastError);
            Assert.Contains(expected[i]!, stored.Fetch.LastError, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1, stored.Fetch.ConsecutiveFailures);
            Assert.True(stored.Fetch.NextPollAt > DateTimeOffset.UtcNow, "a failed source is retried later");
        }

        var river = await app.Http.GetStringAsync("/");
        Assert.Contains("Post number 2", river, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/feed.atom")).StatusCode);
    }

    [Fact]
    public async Task Markup_in_feed_text_is_shown_as_text_and_script_never_reaches_a_page()
    {
        const string Hostile = """
            <item><title>&lt;script&gt;alert(1)&lt;/script&gt;Hello &lt;b&gt;world&lt;/b&gt;</title><link>https://blog.example/x</link><guid>x</guid>
            <dc:creator>&lt;img src=x onerror=alert(2)&gt;Eve</dc:creator>
            <content:encoded><![CDATA[<p onclick="alert(3)">Body</p><script>alert(4)</script><a href="javascript:alert(5)">link</a><img src="/a.png" onerror="alert(6)">]]></content:encoded></item>
            """;
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Hostile <i>Blog</i>", [], Hostile), "application/rss+xml"));
        await using var app = await TestApp.StartAsync(worker: false);
        var source = (await app.Get<SourceCatalog>().AddAsync(blog.Url("feed").AbsoluteUri, SourceSettings.None, default)).Source!;
        await app.Get<SourcePoller>().PollAsync(source.Id, default);
        var article = (await app.Get<IFeedStore>().ListArticlesAsync(new ArticleQuery(), default)).Single();

        var pages = new[] { await app.Http.GetStringAsync("/"), await app.Http.GetStringAsync($"/articles/{article.Id}") };
        foreach (var page in pages)
        {
            Assert.Equal(["<script src=\"/assets/keys.js\" defer>", "<script src=\"/assets/times.js\" defer>"],
                Regex.Matches(page, "<script[^>]*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking).Select(m => m.Value));
            Assert.DoesNotContain("alert(", page, StringComparison.Ordinal);
            Assert.DoesNotContain("onerror", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onclick", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("javascript:", page, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Hello world", page, StringComparison.Ordinal);
        }

        // The image stays, loaded through FeedHub's image proxy rather than from the blog.
        Assert.Contains("<img src=\"/images/", pages[1], StringComparison.Ordinal);
        var atom = await app.Http.GetStringAsync("/feed.atom");
        Assert.DoesNotContain("alert(4)", atom, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror", atom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unchanged_pages_and_feeds_answer_conditional_requests_with_304()
    {
        await using var app = await TestApp.StartAsync();
        foreach (var path in new[] { "/", "/feed.atom", "/feed.rss", "/feed.json" })
        {
            var first = await app.Http.GetAsync(path);
            var etag = first.Headers.ETag;
            Assert.NotNull(etag);
            using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
            conditional.Headers.IfNoneMatch.Add(etag);
            var second = await app.Http.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
            Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Health_and_errors_are_plain()
    {
        await using var app = await TestApp.StartAsync();

        Assert.Equal("ok", await app.Http.GetStringAsync("/healthz"));
        var missing = await app.Http.GetAsync("/articles/424242");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", missing.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}
