using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

public sealed class OpmlImportTests
{
    private const int Entries = 2000;

    /// <summary>
    /// 2,000 outlines, one per line, in ten categories (the even ones nested one level deeper): every 40th is broken
    /// in one of five ways and every 20th repeats an earlier feed in another spelling of the same address.
    /// </summary>
    private static (string Opml, HashSet<int> BrokenLines, HashSet<int> DuplicateLines) BigList()
    {
        var lines = new List<string> { """<?xml version="1.0" encoding="UTF-8"?>""", """<opml version="2.0">""", "<head><title>Big list</title></head>", "<body>" };
        var broken = new HashSet<int>();
        var duplicates = new HashSet<int>();
        string[] brokenForms =
        [
            """<outline type="rss" text="Not a URL" xmlUrl="not a url"/>""",
            """<outline type="rss" text="FTP" xmlUrl="ftp://files.example/feed"/>""",
            """<outline type="rss" text="No address"/>""",
            """<outline type="rss" text="Script" xmlUrl="javascript:alert(1)"/>""",
            """<outline type="atom" text="Empty" xmlUrl=""/>""",
        ];
        for (var k = 0; k < Entries; k++)
        {
            if (k % 200 == 0)
            {
                var category = k / 200;
                lines.Add($"""<outline text="Category {category}" title="Category {category}">""");
                if (category % 2 == 0)
                {
                    lines.Add($"""<outline text="Sub {category}">""");
                }
            }

            if (k % 40 == 7)
            {
                lines.Add(brokenForms[k / 40 % brokenForms.Length]);
                broken.Add(lines.Count);
            }
            else if (k % 20 == 13)
            {
                lines.Add($"""<outline type="rss" text="Again {k}" xmlUrl="https://BLOG{k - 13}.example/feed#again"/>""");
                duplicates.Add(lines.Count);
            }
            else
            {
                var extra = k % 7 == 0 ? """ category="Extra,Weekly" """ : " ";
                lines.Add($"""<outline type="rss" text="Blog {k} &amp; co" title="Blog {k} &amp; co"{extra}xmlUrl="https://blog{k}.example/feed" htmlUrl="https://blog{k}.example/"/>""");
            }

            if (k % 200 == 199)
            {
                lines.Add(k / 200 % 2 == 0 ? "</outline></outline>" : "</outline>");
            }
        }

        lines.Add("</body></opml>");
        return (string.Join('\n', lines), broken, duplicates);
    }

    private static async Task<TestApp> StartWithTokenAsync()
    {
        var app = await TestApp.StartAsync(worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return app;
    }

    private static StringContent Opml(string text) => new(text, Encoding.UTF8, "text/x-opml");

    [Fact]
    public async Task Two_thousand_sources_import_reporting_the_others_by_line_and_round_trip_through_export()
    {
        var (opml, brokenLines, duplicateLines) = BigList();
        await using var first = await StartWithTokenAsync();

        var clock = Stopwatch.StartNew();
        var response = await first.Http.PostAsync("/api/opml", Opml(opml));
        clock.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<ImportReport>())!;
        Console.WriteLine($"OPML import of {Entries} entries: {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(1850, report.Added);
        Assert.Equal(duplicateLines.Order(), report.Duplicates.Select(d => d.Line).Order());
        Assert.Equal(brokenLines.Order(), report.Invalid.Select(d => d.Line).Order());
        Assert.All(report.Duplicates, d => Assert.Contains("is listed already on line", d.Message, StringComparison.Ordinal));
        var store = first.Get<IFeedStore>();
        var imported = await store.ListSourcesAsync(default);
        Assert.Equal(1850, imported.Count);
        var blog14 = imported.Single(s => s.FeedUrl == "https://blog14.example/feed");
        Assert.Equal("Blog 14 & co", blog14.Name);
        Assert.Equal(["Category 0", "Sub 0", "Extra", "Weekly"], blog14.Categories);

        var exported = await first.Http.GetStringAsync("/api/opml");
        await using var second = await StartWithTokenAsync();
        var again = (await (await second.Http.PostAsync("/api/opml", Opml(exported))).Content.ReadFromJsonAsync<ImportReport>())!;

        Assert.Equal(1850, again.Added);
        Assert.Empty(again.Duplicates);
        Assert.Empty(again.Invalid);
        Assert.Equal(Shape(imported), Shape(await second.Get<IFeedStore>().ListSourcesAsync(default)));
    }

    [Fact]
    public async Task Importing_the_same_list_twice_adds_nothing_the_second_time()
    {
        const string opml = """
            <?xml version="1.0"?>
            <opml version="2.0"><body>
            <outline text="Tech"><outline type="rss" text="A" xmlUrl="https://a.example/feed"/></outline>
            </body></opml>
            """;
        await using var app = await StartWithTokenAsync();

        await app.Http.PostAsync("/api/opml", Opml(opml));
        var second = (await (await app.Http.PostAsync("/api/opml", Opml(opml))).Content.ReadFromJsonAsync<ImportReport>())!;

        Assert.Equal(0, second.Added);
        var duplicate = Assert.Single(second.Duplicates);
        Assert.Equal(3, duplicate.Line);
        Assert.Equal("https://a.example/feed is already subscribed as source 1", duplicate.Message);
    }

    private static List<string> Shape(IEnumerable<Core.Model.Source> sources)
        => sources.Select(s => $"{s.FeedUrl} | {s.Name} | {string.Join(" / ", s.Categories)}").Order(StringComparer.Ordinal).ToList();

    private sealed record ImportReport(int Added, List<Problem> Duplicates, List<Problem> Invalid);

    private sealed record Problem(int Line, string Message);
}
