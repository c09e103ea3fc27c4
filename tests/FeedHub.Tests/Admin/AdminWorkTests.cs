using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Admin;

/// <summary>
/// The curator's work in the admin pages, over HTTP with a cookie jar as a browser without scripts does it: curator
/// accounts, moving a source, the import report and undo, and the sources list at scale with changes to a selection.
/// </summary>
public sealed class AdminWorkTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Curators_are_added_given_a_new_password_stripped_of_tokens_and_removed_from_the_curators_page()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var accounts = app.Get<CuratorAccounts>();
        var (_, adaToken) = await accounts.CreateAsync("ada", Password, default);
        var ada = await AdminClient.SignedInAsync(app, "ada", Password);

        var forged = await ada.PostAsync("/admin/curators", new FormUrlEncodedContent([new("name", "mallory"), new("password", "a long password")]));
        var added = await ada.PostFormAsync("/admin/curators", "/admin/curators", ("name", "grace"), ("password", "grace password"));
        var weak = await ada.PostFormAsync("/admin/curators", "/admin/curators", ("name", "bob"), ("password", "short"));
        using var grace = await AdminClient.SignedInAsync(app, "grace", "grace password");
        var list = await ada.GetStringAsync("/admin/curators");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.StatusCode);
        Assert.Contains("a password needs at least 8 characters", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["ada", "grace"], (await accounts.ListAsync(default)).Select(c => c.Name));
        Assert.Contains("data-curator=\"grace\"", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await grace.GetAsync("/admin/sources")).StatusCode);

        var reset = await ada.PostFormAsync("/admin/curators", "/admin/curators/password", ("name", "grace"), ("password", "new grace password"));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await grace.GetAsync("/admin/sources")).StatusCode);
        using var graceAgain = await AdminClient.SignedInAsync(app, "grace", "new grace password");

        var ownReset = await ada.PostFormAsync("/admin/curators", "/admin/curators/password", ("name", "ada"), ("password", "ada's second password"));
        Assert.Equal(HttpStatusCode.Redirect, ownReset.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ada.GetAsync("/admin/curators")).StatusCode); // this sign-in ended too
        ada.Dispose();
        ada = await AdminClient.SignedInAsync(app, "ada", "ada's second password");

        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(app, adaToken));
        var revoked = await ada.PostFormAsync("/admin/curators", "/admin/curators/revoke-tokens", ("name", "ada"));
        Assert.Contains(Uri.EscapeDataString("API tokens of ada revoked: 1."), revoked.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await ApiStatusAsync(app, adaToken));

        var self = await ada.PostFormAsync("/admin/curators", "/admin/curators/remove", ("name", "ada"));
        var removed = await ada.PostFormAsync("/admin/curators", "/admin/curators/remove", ("name", "grace"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, self.StatusCode);
        Assert.Contains("You cannot remove yourself", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(["ada"], (await accounts.ListAsync(default)).Select(c => c.Name));
        Assert.Equal(HttpStatusCode.Unauthorized, (await graceAgain.GetAsync("/admin/sources")).StatusCode);
    }

    [Fact]
    public async Task A_source_is_moved_from_its_page_with_the_add_flows_checks_keeping_its_id_and_articles()
    {
        await using var blog = LocalHttpServer.Serving(request => request.Path switch
        {
            "/" => HttpReply.Text(200, """
                <html><head><link rel="alternate" type="application/rss+xml" title="Posts" href="/new.xml">
                <link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml"></head><body>Moved here</body></html>
                """, "text/html"),
            "/new.xml" => HttpReply.Text(200, FeedFixtures.Rss("New Home", [0, 1]), "application/rss+xml"),
            "/comments.xml" => HttpReply.Text(200, FeedFixtures.Rss("Comments", [5]), "application/rss+xml"),
            "/other.xml" => HttpReply.Text(200, FeedFixtures.Rss("Other", [7]), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Source { FeedUrl = "https://gone.example/feed", Title = "Old Home", CreatedAt = DateTimeOffset.UtcNow }, default);
        var other = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("other.xml").AbsoluteUri, Title = "Other", CreatedAt = DateTimeOffset.UtcNow }, default);
        await StoreSeeder.ArticleAsync(store, source, "Kept post", DateTimeOffset.UtcNow.AddDays(-1));
        using var ada = await AdminClient.SignedInAsync(app, "ada", Password);
        var page = $"/admin/sources/{source.Id}";

        var several = await ada.PostFormAsync(page, $"{page}/move", ("url", blog.BaseUri.AbsoluteUri));
        var taken = await ada.PostFormAsync(page, $"{page}/move", ("url", blog.Url("other.xml").AbsoluteUri));
        var nothing = await ada.PostFormAsync(page, $"{page}/move", ("url", blog.Url("missing").AbsoluteUri));
        var severalHtml = await several.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, several.StatusCode);
        Assert.Contains("offers 2 feeds", severalHtml, StringComparison.Ordinal);
        Assert.Contains($"<input type=\"hidden\" name=\"url\" value=\"{blog.Url("new.xml").AbsoluteUri}\" /><button type=\"submit\">Move here</button>", severalHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Contains($"subscribed already as source {other.Id}", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nothing.StatusCode);
        Assert.Contains("What was tried", await nothing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("https://gone.example/feed", (await store.GetSourceAsync(source.Id, default))!.FeedUrl);

        var moved = await ada.PostFormAsync(page, $"{page}/move", ("url", blog.Url("new.xml").AbsoluteUri));

        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var stored = (await store.GetSourceAsync(source.Id, default))!;
        Assert.Equal(blog.Url("new.xml").AbsoluteUri, stored.FeedUrl);
        Assert.Equal("https://gone.example/feed", stored.Fetch.MovedFrom);
        Assert.Equal(1, await store.CountArticlesAsync(source.Id, default));
        Assert.Contains("moved from https://gone.example/feed", await ada.GetStringAsync(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_import_report_puts_invalid_entries_first_folds_duplicates_previews_and_each_import_is_undone_from_the_list()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        var store = app.Get<IFeedStore>();
        await store.AddSourceAsync(new Source { FeedUrl = "https://known.example/feed", CreatedAt = DateTimeOffset.UtcNow }, default);
        var subscribed = (await store.ListSourcesAsync(default)).Count;
        using var ada = await AdminClient.SignedInAsync(app, "ada", Password);
        const string opml = """
            <?xml version="1.0"?>
            <opml version="2.0"><head><title>Mine</title></head><body>
            <outline text="Known" xmlUrl="https://KNOWN.example/feed"/>
            <outline text="One" xmlUrl="https://one.example/feed"/>
            <outline text="One again" xmlUrl="https://one.example/feed#again"/>
            <outline text="Broken" xmlUrl="not an address"/>
            <outline text="Two" xmlUrl="https://two.example/feed"/>
            </body></opml>
            """;

        var preview = await ImportAsync(ada, opml, dryRun: true);
        Assert.Contains("the list would add 2 new sources", preview, StringComparison.Ordinal);
        Assert.Equal(subscribed, (await store.ListSourcesAsync(default)).Count);

        var report = await ImportAsync(ada, opml, dryRun: false);
        var invalid = System.Text.RegularExpressions.Regex.Match(report, "<details open(=\"\")? class=\"invalid\"><summary>1 invalid entry skipped: it needs your attention", System.Text.RegularExpressions.RegexOptions.NonBacktracking).Index;
        var duplicates = report.IndexOf("<details class=\"duplicates\"><summary>2 duplicates skipped", StringComparison.Ordinal);
        Assert.True(invalid > 0 && duplicates > invalid, "the invalid entry comes first, unfolded; the duplicates after it, folded");
        Assert.Contains("line 6: ", report, StringComparison.Ordinal);
        Assert.Contains("Undo this import", report, StringComparison.Ordinal);
        Assert.Equal(subscribed + 2, (await store.ListSourcesAsync(default)).Count);
        var batch = Assert.Single(await store.ListImportBatchesAsync(10, default));
        Assert.Contains($"data-import=\"{batch.Id}\"", await ada.GetStringAsync("/admin/opml"), StringComparison.Ordinal);

        var undone = await ada.PostFormAsync("/admin/opml", $"/admin/opml/imports/{batch.Id}/undo");

        Assert.Equal(HttpStatusCode.Redirect, undone.StatusCode);
        Assert.Contains(Uri.EscapeDataString("Import undone: 2 sources removed"), undone.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(subscribed, (await store.ListSourcesAsync(default)).Count);
    }

    [Fact]
    public async Task The_sources_list_pages_searches_filters_and_changes_a_selection_and_the_api_pages_the_same_way()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", Password, default);
        var store = app.Get<IFeedStore>();
        var sources = new List<Source>();
        for (var i = 0; i < 120; i++)
        {
            var source = await StoreSeeder.SourceAsync(store, $"Blog {i:D3}", i % 3 == 0 ? "Tech" : "Food");
            if (i % 10 == 0)
            {
                source = (await store.ChangeSourceAsync(source.Id, stored =>
                {
                    (stored.Fetch.PollCount, stored.Fetch.ConsecutiveFailures, stored.Fetch.LastError) = (3, 3, "the server answered 500");
                    return true;
                }, default))!;
            }

            sources.Add(source);
        }

        await StoreSeeder.ArticleAsync(store, sources[1], "A post to keep", DateTimeOffset.UtcNow.AddHours(-1));
        using var ada = await AdminClient.SignedInAsync(app, "ada", Password);

        var first = await ada.GetStringAsync("/admin/sources");
        var next = NextPage(first)!;
        var second = await ada.GetStringAsync(next);
        var third = await ada.GetStringAsync(NextPage(second)!);
        Assert.Equal(50, Rows(first).Count);
        Assert.Equal(50, Rows(second).Count);
        Assert.Equal(20, Rows(third).Count);
        Assert.Null(NextPage(third));
        Assert.Equal(120, Rows(first).Concat(Rows(second)).Concat(Rows(third)).Distinct().Count());
        Assert.Equal(sources.Where((_, i) => i % 10 == 0).Select(s => s.Id).Order(), Rows(first).Take(12).Order()); // broken first
        Assert.Contains("https://blog-007.example/feed", first, StringComparison.Ordinal);
        Assert.Contains("<td class=\"categories\">Tech</td>", first, StringComparison.Ordinal);

        Assert.Empty(Rows(await ada.GetStringAsync("/admin/sources?q=BLOG-0%257"))); // "%" is no wildcard
        Assert.Equal([sources[7].Id, sources[70].Id, sources[71].Id, sources[72].Id, sources[73].Id, sources[74].Id, sources[75].Id, sources[76].Id, sources[77].Id, sources[78].Id, sources[79].Id],
            Rows(await ada.GetStringAsync("/admin/sources?q=blog-07&sort=name")).Concat(Rows(await ada.GetStringAsync("/admin/sources?q=g+007"))).Distinct().Order());
        Assert.Equal(40, Rows(await ada.GetStringAsync("/admin/sources?category=tech&limit=200")).Count);
        Assert.Equal(4, Rows(await ada.GetStringAsync("/admin/sources?category=tech&status=broken")).Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await ada.GetAsync("/admin/sources?status=sleepy")).StatusCode);

        var selected = new[] { sources[1], sources[2], sources[4] };
        var forged = await ada.PostAsync("/admin/sources/bulk", new FormUrlEncodedContent([new("id", selected[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("action", "pause")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(SourceState.Active, (await store.GetSourceAsync(selected[0].Id, default))!.State);

        var paused = await BulkAsync(ada, selected, ("action", "pause"));
        var categorised = await BulkAsync(ada, selected, ("action", "categorise"), ("category", "Friends"));
        var uncategorised = await BulkAsync(ada, [selected[0]], ("action", "uncategorise"), ("category", "food"));
        Assert.Contains(Uri.EscapeDataString("3 sources paused."), paused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/admin/sources?status=new&message=", categorised.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, uncategorised.StatusCode);
        var stored = await Task.WhenAll(selected.Select(s => store.GetSourceAsync(s.Id, default)));
        Assert.All(stored, s => Assert.Equal(SourceState.Paused, s!.State));
        Assert.Equal(["Friends"], stored[0]!.Categories);
        Assert.Equal(["Food", "Friends"], stored[1]!.Categories);
        Assert.Equal(3, Rows(await ada.GetStringAsync("/admin/sources?status=paused")).Count);

        await BulkAsync(ada, selected, ("action", "resume"));
        var removed = await BulkAsync(ada, selected, ("action", "remove"), ("keepArticles", "true"));
        Assert.Contains(Uri.EscapeDataString("3 sources removed."), removed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(117, (await store.GetTalliesAsync(default)).Sources);
        Assert.Equal(1, await store.CountArticlesAsync(sources[1].Id, default)); // kept in the river

        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var pages = new List<JsonElement> { await app.Http.GetFromJsonAsync<JsonElement>("/api/sources?limit=5&status=broken") };
        while (pages[^1].GetProperty("next").GetString() is { } after)
        {
            pages.Add(await app.Http.GetFromJsonAsync<JsonElement>($"/api/sources?limit=5&status=broken&after={Uri.EscapeDataString(after)}"));
        }

        var apiSearch = await app.Http.GetFromJsonAsync<JsonElement>("/api/sources?q=blog-03&category=Tech&sort=name");
        Assert.Equal([5, 5, 2], pages.Select(p => p.GetProperty("sources").GetArrayLength()));
        Assert.Equal(12, pages.SelectMany(p => p.GetProperty("sources").EnumerateArray()).Select(s => s.GetProperty("id").GetInt64()).Distinct().Count());
        Assert.Equal(12, pages[0].GetProperty("counts").GetProperty("broken").GetInt32());
        Assert.Equal([30, 33, 36, 39], apiSearch.GetProperty("sources").EnumerateArray().Select(s => int.Parse(s.GetProperty("name").GetString()![5..], System.Globalization.CultureInfo.InvariantCulture)));
        var bad = await app.Http.GetAsync("/api/sources?after=nonsense");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("use the 'next' of the previous page", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> BulkAsync(HttpClient client, IEnumerable<Source> selected, params (string Name, string Value)[] fields)
        => await client.PostFormAsync("/admin/sources?status=new", "/admin/sources/bulk",
            [.. selected.Select(s => ("id", s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))), ("list", "?status=new"), .. fields]);

    private static async Task<string> ImportAsync(HttpClient client, string opml, bool dryRun)
    {
        var page = await client.GetStringAsync("/admin/opml");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(AdminClient.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(opml)), "opml", "mine.opml" },
        };
        if (dryRun)
        {
            form.Add(new StringContent("true"), "dryRun");
        }

        var response = await client.PostAsync("/admin/opml", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpStatusCode> ApiStatusAsync(TestApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sources") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        return (await app.Http.SendAsync(request)).StatusCode;
    }

    private static List<long> Rows(string html)
        => System.Text.RegularExpressions.Regex.Matches(html, "data-source=\"(\\d+)\"", System.Text.RegularExpressions.RegexOptions.NonBacktracking).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static string? NextPage(string html)
        => System.Text.RegularExpressions.Regex.Match(html, "<a href=\"([^\"]+)\" rel=\"next\">", System.Text.RegularExpressions.RegexOptions.NonBacktracking) is { Success: true } link ? WebUtility.HtmlDecode(link.Groups[1].Value) : null;
}
