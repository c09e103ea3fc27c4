using System.Net;
using System.Net.Http.Headers;
using FeedHub.Curators;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>
/// Route and query values at and beyond the ends of their types (the calendar's first and last days, the largest
/// ids and cursors, numbers that overflow): every answer is a page or problem+json of 4xx or 2xx, never a 500.
/// </summary>
public sealed class RouteBoundsTests
{
    private static readonly string[] Paths =
    [
        "/digest/0001-01-01", "/digest/0999-12-31", "/digest/1000-01-01", "/digest/9998-12-31", "/digest/9999-01-01", "/digest/9999-12-31",
        "/digest/10000-01-01", "/digest/0001-01", "/digest/1000-01", "/digest/9998-12", "/digest/9999-12",
        "/digest/2026-02-30", "/digest/-0001-01-01", "/digest/0000-12-31",
        "/?before=-62135596800000-0", "/?before=253402300799999-9223372036854775807", "/?before=-62135596800001-1",
        "/?before=9223372036854775807-9223372036854775807", "/?source=9223372036854775807", "/?source=-9223372036854775808",
        "/?source=99999999999999999999", "/?category=" + new string('x', 5000),
        "/feed.atom?before=-62135596800000-0", "/feed.rss?before=253402300799999-9223372036854775807", "/feed.json?source=99999999999999999999",
        "/articles/9223372036854775807", "/articles/-9223372036854775808", "/articles/99999999999999999999",
        "/api/articles?before=-62135596800000-0", "/api/articles?before=253402300799999-9223372036854775807", "/api/articles?limit=2147483648",
        "/api/articles?limit=-2147483648", "/api/articles?source=99999999999999999999", "/api/articles/9223372036854775807",
        "/api/sources/9223372036854775807", "/api/sources/99999999999999999999", "/api/opml/imports/99999999999999999999",
        "/admin/sources/9223372036854775807", "/admin/sources/99999999999999999999",
    ];

    [Theory]
    [InlineData("litedb")]
    [InlineData("postgres")]
    public async Task Values_at_the_ends_of_their_types_never_answer_500(string storage)
    {
        await using var database = storage == "postgres" ? await PostgresTestDatabase.CreateAsync() : null;
        string[] settings = database is null ? [] : ["--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={database.ConnectionString}"];
        await using var app = await TestApp.StartAsync(worker: false, settings: settings);
        var store = app.Get<Core.Storage.IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Bounds Blog", "Tech");
        await StoreSeeder.ArticleAsync(store, source, "Early", new DateTimeOffset(1000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await StoreSeeder.ArticleAsync(store, source, "Late", new DateTimeOffset(9998, 12, 31, 0, 0, 0, TimeSpan.Zero));
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", "correct horse battery", default);

        var answers = new List<string>();
        foreach (var path in Paths)
        {
            foreach (var accept in new[] { "text/html", "application/json" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Accept.ParseAdd(accept);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await SendAsync(app, request);
                var type = response.Content.Headers.ContentType?.MediaType ?? "none";
                answers.Add($"{path} ({accept}): {(int)response.StatusCode} {type}");
                var api = path.StartsWith("/api/", StringComparison.Ordinal);
                // Pages (and the curator pages' sign-in form) are HTML and feeds are feeds whatever was asked for; other refusals speak the client's language.
                var admin = path.StartsWith("/admin/", StringComparison.Ordinal);
                var wanted = api || (!response.IsSuccessStatusCode && accept == "application/json" && !(admin && response.StatusCode == HttpStatusCode.Unauthorized)) ? "json"
                    : response.IsSuccessStatusCode && path.StartsWith("/feed.", StringComparison.Ordinal) ? string.Empty : "html";
                Assert.True((int)response.StatusCode < 500, $"{path} ({accept}) answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Assert.True(type.Contains(wanted, StringComparison.Ordinal), $"{path} ({accept}) answered {(int)response.StatusCode} {type}");
            }
        }

        SecurityTable.Row("route values", $"values at the ends of their types on {storage} (dates, ids, cursors, limits; HTML and JSON)", answers.Count, answers.Count,
            "never a 500 nor a hang: 404/400 pages or problem+json, e.g. /digest/9999-12-31 404");
        Assert.Contains("/digest/0001-01-01 (text/html): 404 text/html", answers);
        Assert.Contains("/digest/9999-12-31 (application/json): 404 application/problem+json", answers);
        Assert.Contains("/digest/0999-12-31 (text/html): 404 text/html", answers);
        Assert.Contains("/digest/1000-01-01 (text/html): 200 text/html", answers);
        Assert.Contains("/digest/9998-12-31 (text/html): 200 text/html", answers);
        Assert.Contains("/digest/1000-01 (text/html): 200 text/html", answers);
        Assert.Contains("/digest/9998-12 (text/html): 200 text/html", answers);
        Assert.Contains("/digest/9999-12 (text/html): 404 text/html", answers);
    }

    /// <summary>Sends one request; one that never answers fails the test with its path rather than a bare timeout.</summary>
    private static async Task<HttpResponseMessage> SendAsync(TestApp app, HttpRequestMessage request)
    {
        try
        {
            return await app.Http.SendAsync(request);
        }
        catch (TaskCanceledException timeout)
        {
            throw new TimeoutException($"{request.RequestUri} ({request.Headers.Accept}) never answered", timeout);
        }
    }

    [Fact]
    public async Task The_first_and_last_digest_days_show_their_posts()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<Core.Storage.IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Bounds Blog");
        await StoreSeeder.ArticleAsync(store, source, "Early", new DateTimeOffset(1000, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await StoreSeeder.ArticleAsync(store, source, "Late", new DateTimeOffset(9998, 12, 31, 12, 0, 0, TimeSpan.Zero));

        var first = await app.Http.GetStringAsync("/digest/1000-01-01");
        var last = await app.Http.GetStringAsync("/digest/9998-12-31");
        var outside = await app.Http.GetAsync("/digest/0999-12-31");

        Assert.Contains("Early", first, StringComparison.Ordinal);
        Assert.Contains("Late", last, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        Assert.Contains("The digest has days from 1000-01-01 to 9998-12-31", await outside.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
