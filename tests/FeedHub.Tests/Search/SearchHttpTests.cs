using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Search;

/// <summary>Search over HTTP on a real Kestrel port and LiteDB file: the API, saved searches as feeds, bad queries.</summary>
public sealed class SearchHttpTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_api_finds_stemmed_words_in_three_languages_with_highlights_and_pages_by_cursor()
    {
        await using var app = await StartWithCuratorAsync();
        var store = app.Get<IFeedStore>();
        var news = await StoreSeeder.SourceAsync(store, "Daily News", "News");
        var blog = await StoreSeeder.SourceAsync(store, "Le Blog", "Français");
        await SeedAsync(store, news, "Morning run", "en", "She runs along the river at dawn.", Start);
        await SeedAsync(store, blog, "Immobilier", "fr", "La maison bleue est à vendre.", Start.AddMinutes(-1));
        await SeedAsync(store, blog, "Wohnen", "de", "Das Haus am See steht leer.", Start.AddMinutes(-2));
        for (var i = 0; i < 5; i++)
        {
            await SeedAsync(store, news, $"Harbour {i}", "en", $"Boats in the harbour, day {i}.", Start.AddHours(-i - 1));
        }

        Assert.Equal(["Morning run"], await TitlesAsync(app, "/api/articles?q=running"));
        Assert.Equal(["Immobilier"], await TitlesAsync(app, "/api/articles?q=maisons"));
        Assert.Equal(["Wohnen"], await TitlesAsync(app, "/api/articles?q=H%C3%A4user"));
        Assert.Equal(["Immobilier", "Wohnen"], await TitlesAsync(app, $"/api/articles?q=blog&source={blog.Id}"));
        Assert.Empty(await TitlesAsync(app, $"/api/articles?q=running&source={blog.Id}"));

        using var first = JsonDocument.Parse(await app.Http.GetStringAsync("/api/articles?q=harbours+-%22day+3%22&limit=2"));
        var highlight = first.RootElement.GetProperty("highlights").EnumerateObject().First().Value;
        Assert.Contains("<mark>harbour</mark>", highlight.GetProperty("fragments")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("harbour", highlight.GetProperty("matchedWords")[0].GetString());
        var titles = Titles(first);
        var next = first.RootElement.GetProperty("next").GetString();
        while (next is not null)
        {
            using var page = JsonDocument.Parse(await app.Http.GetStringAsync($"/api/articles?q=harbours+-%22day+3%22&limit=2&before={Uri.EscapeDataString(next)}"));
            titles.AddRange(Titles(page));
            next = page.RootElement.TryGetProperty("next", out var more) && more.ValueKind == JsonValueKind.String ? more.GetString() : null;
        }

        Assert.Equal(["Harbour 0", "Harbour 1", "Harbour 2", "Harbour 4"], titles);
    }

    [Theory]
    [InlineData("***", "no word to search for")]
    [InlineData("-spam", "at least one word to find")]
    [InlineData("a b c d e f g h i j k l m n o p q", "at most 16")]
    public async Task Nonsense_searches_get_a_clear_problem_from_the_api_and_the_feeds(string q, string reason)
    {
        await using var app = await StartWithCuratorAsync();

        foreach (var path in new[] { "/api/articles", "/feed.atom", "/feed.rss", "/feed.json" })
        {
            var response = await app.Http.GetAsync($"{path}?q={Uri.EscapeDataString(q)}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Bad search", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains(reason, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var huge = await app.Http.GetAsync("/api/articles?q=" + new string('x', 5000));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/api/articles?q=")).StatusCode);
    }

    [Theory]
    [InlineData("feed.atom")]
    [InlineData("feed.rss")]
    [InlineData("feed.json")]
    public async Task A_saved_search_is_a_feed_named_after_it_whose_pages_reach_every_match_of_its_category_once(string path)
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var tech = await StoreSeeder.SourceAsync(store, "Tech Blog", "Tech");
        var food = await StoreSeeder.SourceAsync(store, "Food Blog", "Food");
        for (var i = 0; i < 130; i++)
        {
            var source = i % 2 == 0 ? tech : food;
            var text = i % 3 == 0 ? $"Post {i} is about compilers." : $"Post {i} is about gardens.";
            await SeedAsync(store, source, $"Post {i:000}", "en", text, Start.AddMinutes(-i));
        }

        var expected = Enumerable.Range(0, 130).Where(i => i % 2 == 0 && i % 3 == 0).Select(i => $"Post {i:000}").ToList();
        var seen = new List<string>();
        var next = new Uri(app.BaseUri, $"{path}?category=Tech&q=compiler");
        var reader = new FeedReader();
        string? title = null;
        while (next is not null && seen.Count < 200)
        {
            var body = await app.Http.GetByteArrayAsync(next);
            var feed = reader.Read(body, null, next);
            Assert.Null(feed.Error);
            title ??= feed.Title;
            seen.AddRange(feed.Items.Select(item => item.Title!));
            next = NextLink(path, body);
        }

        Assert.Equal("FeedHub: Tech: search for “compiler”", title);
        Assert.Equal(22, expected.Count);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task A_polled_feed_is_searchable_at_once_and_after_a_restart()
    {
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Search Blog", [0, 1, 2],
            """<item><title>Lighthouse</title><guid>lighthouse</guid><description>The keeper of the lighthouse.</description></item>"""), "application/rss+xml"));
        string dataDirectory;
        await using (var app = await StartWithCuratorAsync())
        {
            dataDirectory = app.DataDirectory;
            var added = await app.Get<SourceCatalog>().AddAsync(blog.Url("feed.xml").AbsoluteUri, new SourceSettings { Categories = ["Tech"] }, default);
            await app.Get<SourcePoller>().PollAsync(added.Source!.Id, default);

            Assert.Equal(["Lighthouse"], await TitlesAsync(app, "/api/articles?q=keeper"));
            Assert.Equal(["Lighthouse", "Post number 0", "Post number 1", "Post number 2"], await TitlesAsync(app, "/api/articles?q=%22search+blog%22"));
        }

        await using var restarted = await TestApp.StartAsync(dataDirectory, worker: false);
        restarted.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await restarted.Get<CuratorAccounts>().IssueTokenAsync("ada", default));
        Assert.Equal(["Lighthouse"], await TitlesAsync(restarted, "/api/articles?q=keeper"));
        var feed = new FeedReader().Read(await restarted.Http.GetByteArrayAsync("/feed.atom?q=lighthouse"));
        Assert.Equal(["Lighthouse"], feed.Items.Select(i => i.Title));
    }

    private static async Task<TestApp> StartWithCuratorAsync()
    {
        var app = await TestApp.StartAsync(worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return app;
    }

    private static async Task SeedAsync(IFeedStore store, Source source, string title, string language, string text, DateTimeOffset published)
    {
        var article = new Article
        {
            SourceId = source.Id,
            Key = "id:" + title,
            ContentHash = title,
            Title = title,
            Link = $"{source.SiteUrl}posts/{Uri.EscapeDataString(title)}",
            Content = $"<p>{text}</p>",
            Language = language,
            Published = published,
            SortDate = published,
            FirstSeenAt = published,
            ChangedAt = published,
        };
        await store.SaveArticlesAsync([article], [], default);
    }

    private static async Task<List<string>> TitlesAsync(TestApp app, string path)
    {
        using var page = JsonDocument.Parse(await app.Http.GetStringAsync(path));
        return Titles(page);
    }

    private static List<string> Titles(JsonDocument page)
        => page.RootElement.GetProperty("articles").EnumerateArray().Select(a => a.GetProperty("title").GetString()!).ToList();

    private static Uri? NextLink(string path, byte[] body)
    {
        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("next_url", out var next) ? new Uri(next.GetString()!) : null;
        }

        using var xml = System.Xml.XmlReader.Create(new MemoryStream(body));
        var feed = System.ServiceModel.Syndication.SyndicationFeed.Load(xml);
        return feed.Links.FirstOrDefault(l => l.RelationshipType == "next")?.Uri;
    }
}
