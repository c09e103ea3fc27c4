using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// Feeds behind HTTP Basic authentication, subscribed with the user name and password in their address: the feed's own
/// site (scheme, host, port) gets them, no other site does (a redirect's, an article page's), and nothing FeedHub shows
/// or logs holds them.
/// </summary>
public sealed class FeedCredentialsTests
{
    private const string Password = "correct horse battery";

    // A user name and a password that need percent-encoding in an address: '@', ':' and a space.
    private const string UserInfo = "reader%40example.org:s3cret%3Apa%20ss";
    private static readonly string Expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("reader@example.org:s3cret:pa ss"));

    /// <summary>What must never be shown: the password (also percent-encoded), the user name, the header they make.</summary>
    private static readonly string[] Secrets = ["s3cret", "reader%40example", "reader@example", Expected[6..]];

    [Fact]
    public async Task A_members_feed_is_read_with_the_password_of_its_address_which_only_its_own_site_gets_and_nothing_shows()
    {
        await using var elsewhere = await KestrelSite.StartAsync(app =>
        {
            app.MapGet("/feed.xml", () => Results.Text(FeedFixtures.Rss("Elsewhere", [0, 1]), "application/rss+xml"));
            app.MapGet("/posts/2", () => Results.Text(Page("A post elsewhere"), "text/html; charset=utf-8"));
        });
        await using var members = await MembersSiteAsync(elsewhere.BaseUri);
        var logs = new LogLines();
        await using var app = await TestApp.StartAsync(null, true, false, services => services.AddSingleton<ILoggerProvider>(logs),
            "--Logging:LogLevel:FeedHub=Debug", "--FeedHub:Metrics:PerSource=true");
        await CuratorAsync(app);

        // Added by the site's address: discovery finds the feed on the same site and carries the password to it.
        var added = await app.Http.PostAsJsonAsync("/api/sources", new { url = WithUserInfo(members.BaseUri), extraction = "always" });
        var addedBody = await added.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var id = JsonDocument.Parse(addedBody).RootElement.GetProperty("id").GetInt64();
        Assert.Equal(members.Url("members/feed.xml").AbsoluteUri, JsonDocument.Parse(addedBody).RootElement.GetProperty("feedUrl").GetString());
        var store = app.Get<IFeedStore>();
        Assert.Equal(WithUserInfo(members.Url("members/feed.xml")), (await store.GetSourceAsync(id, default))!.FeedUrl);

        // A feed of the members' site that redirects to another site: that site never gets the password.
        var redirected = await app.Http.PostAsJsonAsync("/api/sources", new { url = WithUserInfo(members.Url("elsewhere.xml")) });
        Assert.Equal(HttpStatusCode.Created, redirected.StatusCode);
        var redirectedId = (await redirected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var poller = app.Get<SourcePoller>();
        var report = await poller.PollAsync(id, default);
        Assert.Equal(PollOutcome.Updated, report.Outcome);
        Assert.Equal(2, report.Added);
        await app.Get<FullTextFetcher>().CompleteAsync(report.PendingExtraction, default);
        Assert.Equal(PollOutcome.Updated, (await poller.PollAsync(redirectedId, default)).Outcome);

        Assert.Equal(["/", "/elsewhere.xml", "/members/feed.xml", "/posts/1"], members.Requests.Select(r => r.Path).Distinct().Order(StringComparer.Ordinal));
        Assert.All(members.Requests, request => Assert.Equal(Expected, request.Authorization));
        Assert.Contains(elsewhere.Requests, request => request.Path == "/feed.xml");
        Assert.Contains(elsewhere.Requests, request => request.Path == "/posts/2");
        Assert.All(elsewhere.Requests, request => Assert.Null(request.Authorization));

        // Everything shown, public and to the curator, names the feed by its address without the password.
        var article = (await store.ListArticlesAsync(new ArticleQuery { SourceIds = [id], Limit = 10 }, default))[0];
        var shown = new Dictionary<string, string> { ["POST /api/sources"] = addedBody };
        foreach (var path in new[]
        {
            "/", $"/?source={id}", $"/articles/{article.Id}", "/feed.atom", "/feed.rss", "/feed.json", "/blogroll", "/sources.opml",
            "/subscribe", "/digest", "/digest.atom", "/api/sources", $"/api/sources/{id}", "/api/opml", "/api/articles", "/metrics",
        })
        {
            shown[path] = await (await app.Http.GetAsync(path)).Content.ReadAsStringAsync();
        }

        var discovered = await app.Http.PostAsJsonAsync("/api/sources/discover", new { url = WithUserInfo(members.BaseUri) });
        shown["POST /api/sources/discover"] = await discovered.Content.ReadAsStringAsync();
        using var curator = await AdminClient.SignedInAsync(app, "ada", Password);
        foreach (var path in new[] { "/admin/sources", $"/admin/sources/{id}" })
        {
            shown[path] = await curator.GetStringAsync(path);
        }

        shown["logs"] = string.Join('\n', logs.Lines);
        foreach (var (what, text) in shown)
        {
            foreach (var secret in Secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} shows {secret}");
            }
        }

        foreach (var what in new[] { "/feed.atom", "/feed.json", "/blogroll", "/sources.opml", "/api/opml", $"/api/sources/{id}", $"/admin/sources/{id}", "POST /api/sources/discover" })
        {
            Assert.Contains(members.Url("members/feed.xml").AbsoluteUri, shown[what], StringComparison.Ordinal);
        }

        Assert.Contains(logs.Lines, line => line.Contains("Polled source", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_password_refused_is_said_in_the_sources_health_without_the_password()
    {
        await using var members = await MembersSiteAsync(new Uri("http://127.0.0.1:9/"));
        var logs = new LogLines();
        await using var app = await TestApp.StartAsync(null, true, false, services => services.AddSingleton<ILoggerProvider>(logs), "--Logging:LogLevel:FeedHub=Debug");
        await CuratorAsync(app);
        var wrong = $"{members.BaseUri.Scheme}://reader%40example.org:s3cret-but-wrong@{members.BaseUri.Authority}/members/feed.xml";

        var refused = await app.Http.PostAsJsonAsync("/api/sources", new { url = wrong });
        var refusedBody = await refused.Content.ReadAsStringAsync();
        var unauthenticated = await app.Http.PostAsJsonAsync("/api/sources", new { url = members.Url("members/feed.xml").AbsoluteUri });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("the feed asks for a user name and password; the ones given were refused", refusedBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unauthenticated.StatusCode);
        Assert.Contains("asks for a user name and password", await unauthenticated.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Subscribed before the password changed: its polls fail, and its health says why.
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = wrong, CreatedAt = DateTimeOffset.UtcNow }, default);
        var report = await app.Get<SourcePoller>().PollAsync(source.Id, default);

        Assert.Equal(PollOutcome.Failed, report.Outcome);
        var health = await (await app.Http.GetAsync($"/api/sources/{source.Id}")).Content.ReadAsStringAsync();
        Assert.Contains("the feed asks for a user name and password; the ones given were refused", health, StringComparison.Ordinal);
        foreach (var (what, text) in new[] { ("add", refusedBody), ("health", health), ("logs", string.Join('\n', logs.Lines)) })
        {
            Assert.False(text.Contains("s3cret", StringComparison.Ordinal), $"{what} shows the password");
        }
    }

    /// <summary>A members' site: every page asks for the user name and password; the feed links an article here and one elsewhere.</summary>
    private static Task<KestrelSite> MembersSiteAsync(Uri elsewhere) => KestrelSite.StartAsync(app =>
    {
        app.Use((context, next) =>
        {
            if (context.Request.Headers.Authorization.ToString() == Expected)
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"members\"";
            return Task.CompletedTask;
        });
        app.MapGet("/", () => Results.Text("""
            <!DOCTYPE html><html><head><title>Members</title>
            <link rel="alternate" type="application/rss+xml" title="Members' notes" href="/members/feed.xml">
            </head><body><h1>Members</h1></body></html>
            """, "text/html; charset=utf-8"));
        app.MapGet("/members/feed.xml", (HttpRequest request) => Results.Text(MembersFeed(new Uri($"http://{request.Host}/"), elsewhere), "application/rss+xml"));
        app.MapGet("/posts/1", () => Results.Text(Page("A members' post"), "text/html; charset=utf-8"));
        app.MapGet("/elsewhere.xml", () => Results.Redirect(new Uri(elsewhere, "feed.xml").AbsoluteUri));
    });

    private static string MembersFeed(Uri members, Uri elsewhere)
    {
        var published = FeedFixtures.Newest.ToString("R", CultureInfo.InvariantCulture);
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Members' notes</title><link>{members}</link><description>For members</description>
            <item><title>A members' post</title><link>{members}posts/1</link><guid isPermaLink="false">m-1</guid><pubDate>{published}</pubDate><description>The start of it… Read more</description></item>
            <item><title>A post elsewhere</title><link>{elsewhere}posts/2</link><guid isPermaLink="false">m-2</guid><pubDate>{published}</pubDate><description>The start of that… Read more</description></item>
            </channel></rss>
            """;
    }

    private static string Page(string title) => $"""
        <!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>
        {string.Concat(Enumerable.Repeat("<p>A paragraph of the article, long enough to be read as one by the extractor of the page.</p>", 8))}
        </article></body></html>
        """;

    private static string WithUserInfo(Uri address) => $"{address.Scheme}://{UserInfo}@{address.Authority}{address.PathAndQuery}";

    private static async Task CuratorAsync(TestApp app)
    {
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Every log line FeedHub writes, with the values of its structured fields.</summary>
    private sealed class LogLines : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(LogLines lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
                lines.Lines.Enqueue($"{category}: {formatter(state, exception)} [{fields}] {exception}");
            }
        }
    }
}
