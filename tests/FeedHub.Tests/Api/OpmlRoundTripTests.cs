using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

/// <summary>OPML in and out through <c>/api/opml</c>: FeedHub's settings survive a round trip, imports are batches that can be undone.</summary>
public sealed class OpmlRoundTripTests
{
    private static async Task<TestApp> StartAsync(bool allowPrivateNetworks = true)
    {
        var app = await TestApp.StartAsync(allowPrivateNetworks: allowPrivateNetworks, worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return app;
    }

    private static StringContent Opml(string text) => new(text, Encoding.UTF8, "text/x-opml");

    /// <summary>The export without its creation date, the one line that may differ between two exports.</summary>
    private static async Task<string> ExportAsync(TestApp app)
        => string.Join('\n', (await app.Http.GetStringAsync("/api/opml")).Split('\n').Where(line => !line.Contains("<dateCreated>", StringComparison.Ordinal)));

    [Fact]
    public async Task Export_then_import_into_a_fresh_store_then_export_again_is_identical_and_keeps_every_setting()
    {
        await using var first = await StartAsync();
        var store = first.Get<IFeedStore>();
        var now = DateTimeOffset.UtcNow;
        await store.AddSourceAsync(new Source
        {
            FeedUrl = "https://alpha.example/feed", Title = "Alpha's own title", DisplayName = "Alpha, renamed", SiteUrl = "https://alpha.example/",
            Categories = ["Tech", "News, daily", "Zürich"], State = SourceState.Paused, Extraction = ExtractionMode.Always,
            ExtractionSelector = "article .post-content", MinInterval = TimeSpan.FromMinutes(30), MaxInterval = TimeSpan.FromHours(6), CreatedAt = now,
        }, default);
        await store.AddSourceAsync(new Source { FeedUrl = "https://beta.example/rss", Title = "Beta", Categories = ["Tech"], Extraction = ExtractionMode.Never, CreatedAt = now }, default);
        await store.AddSourceAsync(new Source { FeedUrl = "https://gamma.example/atom.xml", Title = "Gamma & <Co>", CreatedAt = now }, default);
        await store.AddSourceAsync(new Source { FeedUrl = "https://gone.example/feed", Title = "Gone", State = SourceState.Retired, CreatedAt = now }, default);
        var exported = await ExportAsync(first);

        await using var second = await StartAsync();
        var import = await second.Http.PostAsync("/api/opml", Opml(exported));
        var report = await import.Content.ReadFromJsonAsync<JsonElement>();
        var again = await ExportAsync(second);

        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(4, report.GetProperty("added").GetInt32());
        Assert.Equal(0, report.GetProperty("invalid").GetArrayLength());
        Assert.Equal(exported, again);
        Assert.Contains("xmlns:feedhub=", exported, StringComparison.Ordinal);
        var alpha = (await second.Get<IFeedStore>().FindSourceByFeedUrlAsync("https://alpha.example/feed", default))!;
        Assert.Equal(("Alpha, renamed", SourceState.Paused, ExtractionMode.Always, "article .post-content"), (alpha.DisplayName, alpha.State, alpha.Extraction, alpha.ExtractionSelector));
        Assert.Equal(["Tech", "News, daily", "Zürich"], alpha.Categories);
        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromHours(6)), (alpha.MinInterval, alpha.MaxInterval));
        Assert.Equal(SourceState.Retired, (await second.Get<IFeedStore>().FindSourceByFeedUrlAsync("https://gone.example/feed", default))!.State);
    }

    [Fact]
    public async Task An_import_is_listed_and_undone_with_its_sources_and_other_sources_stay()
    {
        await using var app = await StartAsync();
        var store = app.Get<IFeedStore>();
        var kept = await store.AddSourceAsync(new Source { FeedUrl = "https://kept.example/feed", CreatedAt = DateTimeOffset.UtcNow }, default);
        var report = await (await app.Http.PostAsync("/api/opml", Opml("""
            <?xml version="1.0"?>
            <opml version="2.0"><body>
            <outline type="rss" text="A" xmlUrl="https://a.example/feed"/>
            <outline type="rss" text="Kept" xmlUrl="https://kept.example/feed"/>
            <outline type="rss" text="B" xmlUrl="https://b.example/feed"/>
            </body></opml>
            """))).Content.ReadFromJsonAsync<JsonElement>();
        var batch = report.GetProperty("batchId").GetInt64();

        var listed = await app.Http.GetFromJsonAsync<JsonElement>("/api/opml/imports");
        var undone = await app.Http.DeleteAsync($"/api/opml/imports/{batch}");
        var twice = await app.Http.DeleteAsync($"/api/opml/imports/{batch}");

        Assert.Equal(2, report.GetProperty("added").GetInt32());
        Assert.Equal(1, report.GetProperty("duplicateCount").GetInt32());
        var entry = Assert.Single(listed.EnumerateArray());
        Assert.Equal((batch, "API", 2, 2), (entry.GetProperty("id").GetInt64(), entry.GetProperty("origin").GetString(), entry.GetProperty("added").GetInt32(), entry.GetProperty("remaining").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, undone.StatusCode);
        Assert.Equal(2, (await undone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("removed").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
        Assert.Equal([kept.Id], (await store.ListSourcesAsync(default)).Select(s => s.Id));
    }

    [Fact]
    public async Task An_import_refuses_private_addresses_lists_invalid_entries_before_duplicates_and_a_dry_run_stores_nothing()
    {
        const string list = """
            <?xml version="1.0"?>
            <opml version="2.0"><body>
            <outline type="rss" text="Public" xmlUrl="https://public.example/feed"/>
            <outline type="rss" text="Public again" xmlUrl="https://PUBLIC.example/feed"/>
            <outline type="rss" text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
            <outline type="rss" text="Loopback" xmlUrl="http://127.0.0.1:8080/feed"/>
            <outline type="rss" text="Loopback as a number" xmlUrl="http://2130706433/feed"/>
            <outline type="rss" text="IPv6 loopback" xmlUrl="http://[::1]/feed"/>
            <outline type="rss" text="Private" xmlUrl="http://10.1.2.3/feed"/>
            <outline type="rss" text="Localhost" xmlUrl="http://localhost/feed"/>
            </body></opml>
            """;
        await using var app = await StartAsync(allowPrivateNetworks: false);

        var dryRun = await (await app.Http.PostAsync("/api/opml?dryRun=true", Opml(list))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(await app.Get<IFeedStore>().ListSourcesAsync(default));
        var response = await app.Http.PostAsync("/api/opml", Opml(list));
        var text = await response.Content.ReadAsStringAsync();
        var report = JsonDocument.Parse(text).RootElement;

        Assert.Equal((0, 1), (dryRun.GetProperty("added").GetInt32(), dryRun.GetProperty("wouldAdd").GetInt32()));
        Assert.Equal(JsonValueKind.Null, dryRun.GetProperty("batchId").ValueKind);
        Assert.Equal(1, report.GetProperty("added").GetInt32());
        Assert.Equal([5, 6, 7, 8, 9, 10], report.GetProperty("invalid").EnumerateArray().Select(p => p.GetProperty("line").GetInt32()));
        Assert.All(report.GetProperty("invalid").EnumerateArray(), p => Assert.Contains("FeedHub__Fetcher__AllowPrivateNetworks=true", p.GetProperty("message").GetString(), StringComparison.Ordinal));
        Assert.True(text.IndexOf("\"invalid\"", StringComparison.Ordinal) < text.IndexOf("\"duplicates\"", StringComparison.Ordinal));
        Assert.Equal(["https://public.example/feed"], (await app.Get<IFeedStore>().ListSourcesAsync(default)).Select(s => s.FeedUrl));
    }
}
