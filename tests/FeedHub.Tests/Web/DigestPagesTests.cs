using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>The digest's month pages and the dates its addresses take, over HTTP on a real Kestrel port.</summary>
public sealed class DigestPagesTests
{
    [Fact]
    public async Task A_month_page_lists_its_days_with_posts_and_leads_to_the_nearest_months_with_posts()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Digest:TimeZone=Europe/Paris");
        var store = app.Get<IFeedStore>();
        var digest = app.Get<Digest>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        foreach (var day in new[] { new DateOnly(2025, 3, 31), new DateOnly(2025, 3, 2), new DateOnly(2025, 1, 15), new DateOnly(2025, 5, 1) })
        {
            var (start, _) = digest.Bounds(day);
            await StoreSeeder.ArticleAsync(store, source, $"Post of {day:yyyy-MM-dd}", start.AddMinutes(30));
        }

        var march = await app.Http.GetStringAsync("/digest/2025-03");

        Assert.Contains("<h1>Digests of March 2025</h1>", march, StringComparison.Ordinal);
        Assert.Contains("2 days with posts", march, StringComparison.Ordinal);
        Assert.Contains("""<a href="/digest/2025-03-31">Monday 31 March 2025</a>""", march, StringComparison.Ordinal);
        Assert.Contains("""<a href="/digest/2025-03-02">Sunday 2 March 2025</a>""", march, StringComparison.Ordinal);
        Assert.Contains("""href="/digest/2025-01" rel="prev">← January 2025</a>""", march, StringComparison.Ordinal);
        Assert.Contains("""href="/digest/2025-05" rel="next">May 2025 →</a>""", march, StringComparison.Ordinal);

        var april = await app.Http.GetStringAsync("/digest/2025-04");
        Assert.Contains("No posts were published in April 2025.", april, StringComparison.Ordinal);
        Assert.DoesNotContain("""<a href="/digest/2025-04-""", april, StringComparison.Ordinal);

        var emptyDay = await app.Http.GetStringAsync("/digest/2025-04-10");
        Assert.Contains("""href="/digest/2025-03-31" rel="prev">""", emptyDay, StringComparison.Ordinal);
        Assert.Contains("""href="/digest/2025-05-01" rel="next">""", emptyDay, StringComparison.Ordinal);

        using var french = new HttpRequestMessage(HttpMethod.Get, "/digest/2025-03");
        french.Headers.AcceptLanguage.ParseAdd("fr");
        Assert.Contains("Résumés de mars 2025", await (await app.Http.SendAsync(french)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The markup of a day's list, whole: categories then sources by name (the uncategorised last), each post's link,
    /// language and direction, author in a <c>bdi</c> and time, every name and title escaped; in French too. It is the
    /// markup the list had as Razor components, which it is no longer written with.
    /// </summary>
    [Fact]
    public async Task A_day_lists_its_posts_by_category_then_source_in_the_markup_it_always_had()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: "--FeedHub:Digest:TimeZone=Asia/Kolkata");
        var store = app.Get<IFeedStore>();
        var (start, _) = app.Get<Digest>().Bounds(new DateOnly(2025, 3, 5));
        var tech = await StoreSeeder.SourceAsync(store, "Tech & Notes", "Tech");
        var loose = await StoreSeeder.SourceAsync(store, "Loose <Ends>");
        var first = await StoreSeeder.ArticleAsync(store, tech, "Fish & <chips>", start.AddHours(2));
        var hebrew = new Article
        {
            SourceId = tech.Id, Key = "id:hebrew", ContentHash = "hebrew", Title = "שלום \"עולם\"", Language = "he", Published = start.AddHours(3),
            SortDate = start.AddHours(3), FirstSeenAt = start.AddHours(3), ChangedAt = start.AddHours(3),
        };
        var untitled = new Article
        {
            SourceId = loose.Id, Key = "id:untitled", ContentHash = "untitled", Language = "en", Published = start.AddMinutes(90),
            SortDate = start.AddMinutes(90), FirstSeenAt = start.AddMinutes(90), ChangedAt = start.AddMinutes(90),
        };
        await store.SaveArticlesAsync([hebrew, untitled], [], default);

        Assert.Equal(
            $"""<div class="digest"><section><h2 dir="auto">Tech <span class="count">(2)</span></h2><h3><a href="/?source={tech.Id}" dir="auto">Tech &amp; Notes</a> <span class="count">(2)</span></h3>"""
            + "\n            "
            + $"""<ul><li data-entry><a data-open href="/articles/{hebrew.Id}" lang="he" dir="rtl">שלום &quot;עולם&quot;</a><span class="count"><time datetime="2025-03-04T21:30:00Z" data-local="time">03:00 UTC&#x2B;5:30</time></span></li>"""
            + $"""<li data-entry><a data-open href="/articles/{first.Id}" dir="auto">Fish &amp; &lt;chips&gt;</a><span class="count">by <bdi>Ada Writer</bdi></span><span class="count"><time datetime="2025-03-04T20:30:00Z" data-local="time">02:00 UTC&#x2B;5:30</time></span></li></ul></section>"""
            + $"""<section><h2 dir="auto">Uncategorised <span class="count">(1)</span></h2><h3><a href="/?source={loose.Id}" dir="auto">Loose &lt;Ends&gt;</a> <span class="count">(1)</span></h3>"""
            + "\n            "
            + $"""<ul><li data-entry><a data-open href="/articles/{untitled.Id}" lang="en" dir="ltr">(untitled)</a><span class="count"><time datetime="2025-03-04T20:00:00Z" data-local="time">01:30 UTC&#x2B;5:30</time></span></li></ul></section></div>""",
            DigestList(await app.Http.GetStringAsync("/digest/2025-03-05")));

        using var french = new HttpRequestMessage(HttpMethod.Get, "/digest/2025-03-05");
        french.Headers.AcceptLanguage.ParseAdd("fr");
        var list = DigestList(await (await app.Http.SendAsync(french)).Content.ReadAsStringAsync());
        Assert.Contains("""<span class="count">par <bdi>Ada Writer</bdi></span>""", list, StringComparison.Ordinal);
        Assert.Contains("""<h2 dir="auto">Sans catégorie <span class="count">(1)</span></h2>""", list, StringComparison.Ordinal);
        Assert.Contains(""" dir="ltr">(sans titre)</a>""", list, StringComparison.Ordinal);
    }

    /// <summary>
    /// A post told by several sources is one story in the river: the digest lists it once too, under the source of its
    /// first article, crediting the others. A copy whose first article is on another day is a post of its own day (no
    /// day the calendar links reads empty). The page, its counts and the digest feed's entry agree.
    /// </summary>
    [Fact]
    public async Task A_story_told_by_several_sources_is_listed_once_on_its_day_crediting_the_others()
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = app.Get<IFeedStore>();
        var digest = app.Get<Digest>();
        var day = digest.Today.AddDays(-1);
        var (start, _) = digest.Bounds(day);
        var wire = await StoreSeeder.SourceAsync(store, "Wire", "News");
        var paper = await StoreSeeder.SourceAsync(store, "Paper", "News");
        var planet = await StoreSeeder.SourceAsync(store, "Planet <Blogs>", "Blogs");
        Article Told(Source source, string key, DateTimeOffset at, string story) => new()
        {
            SourceId = source.Id, Key = key, ContentHash = key, Title = $"Story {story}", Link = $"{source.SiteUrl}{key}", StoryKeys = [$"story:{story}"],
            Published = at, SortDate = at, FirstSeenAt = at, ChangedAt = at,
        };
        var first = Told(wire, "wire-1", start.AddHours(2), "merged");
        var older = Told(wire, "wire-0", start.AddHours(-3), "of the day before");
        await store.SaveArticlesAsync([first, older], [], default);
        var copies = new[] { Told(paper, "paper-1", start.AddHours(3), "merged"), Told(planet, "planet-1", start.AddHours(4), "merged"), Told(paper, "paper-0", start.AddHours(1), "of the day before") };
        await store.SaveArticlesAsync(copies, [], default);
        Assert.All(copies, copy => Assert.NotNull(copy.DuplicateOf));

        var page = await app.Http.GetStringAsync($"/digest/{day:yyyy-MM-dd}");
        var list = DigestList(page);

        Assert.Contains("2 posts from 2 sources", page, StringComparison.Ordinal);
        Assert.Equal(2, list.Split("<li data-entry>").Length - 1);
        Assert.Equal(1, list.Split("Story merged").Length - 1);
        Assert.Contains(
            $"""<span class="count also">Also on <a href="/?source={paper.Id}"><bdi>Paper</bdi></a>, <a href="/?source={planet.Id}"><bdi>Planet &lt;Blogs&gt;</bdi></a></span></li>""",
            list, StringComparison.Ordinal);
        Assert.Contains($"""<a href="/?source={paper.Id}" dir="auto">Paper</a> <span class="count">(1)</span>""", list, StringComparison.Ordinal);
        Assert.Contains("Story of the day before", list, StringComparison.Ordinal);
        Assert.DoesNotContain("""<h2 dir="auto">Blogs""", list, StringComparison.Ordinal);

        var feed = await app.Http.GetStringAsync("/digest.atom");
        Assert.Contains("2 posts on ", feed, StringComparison.Ordinal);
        Assert.Contains("Also on &lt;a href=", feed, StringComparison.Ordinal);

        // The first source removed with its articles kept: the story stays in the river, and in the digest under its copies.
        Assert.True(await store.RemoveSourceAsync(wire.Id, keepArticles: true, default));
        var after = DigestList(await app.Http.GetStringAsync($"/digest/{day:yyyy-MM-dd}"));
        Assert.Equal(2, after.Split("Story merged").Length - 1);
        Assert.Contains($"""<a href="/?source={planet.Id}" dir="auto">Planet &lt;Blogs&gt;</a>""", after, StringComparison.Ordinal);
    }

    /// <summary>The day's list in a digest page: its <c>div class="digest"</c>, which holds no other <c>div</c>.</summary>
    private static string DigestList(string page)
    {
        var start = page.IndexOf("<div class=\"digest\">", StringComparison.Ordinal);
        Assert.True(start >= 0, "no digest list in the page");
        return page[start..(page.IndexOf("</div>", start, StringComparison.Ordinal) + "</div>".Length)];
    }

    [Theory]
    [InlineData("atom")]
    [InlineData("rss")]
    [InlineData("json")]
    public async Task The_digest_feed_in_gzip_is_the_feed_and_a_changed_day_changes_it(string format)
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = app.Get<IFeedStore>();
        var digest = app.Get<Digest>();
        var source = await StoreSeeder.SourceAsync(store, "Daily Notes", "Notes");
        for (var day = 1; day <= 3; day++)
        {
            await StoreSeeder.ArticleAsync(store, source, $"Post {day} days ago & <more>", digest.Bounds(digest.Today.AddDays(-day)).Start.AddHours(3));
        }

        var path = "/digest." + format;
        var (plain, gzip) = await BothAsync(app, path);
        Assert.Equal(plain.Body, gzip.Body);
        Assert.Contains("Post 2 days ago", Encoding.UTF8.GetString(plain.Body), StringComparison.Ordinal);
        Assert.NotEqual(plain.ETag, gzip.ETag);

        await StoreSeeder.ArticleAsync(store, source, "A late post", digest.Bounds(digest.Today.AddDays(-2)).Start.AddHours(4));
        var (plainAfter, gzipAfter) = await BothAsync(app, path);

        Assert.Equal(plainAfter.Body, gzipAfter.Body);
        Assert.Contains("A late post", Encoding.UTF8.GetString(plainAfter.Body), StringComparison.Ordinal);
        Assert.NotEqual(plain.ETag, plainAfter.ETag);
        Assert.NotEqual(gzip.ETag, gzipAfter.ETag);
    }

    /// <summary>A GET without compression and one in gzip (decompressed here): their bodies and ETags.</summary>
    private static async Task<((byte[] Body, string? ETag) Plain, (byte[] Body, string? ETag) Gzip)> BothAsync(TestApp app, string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = app.Http.BaseAddress };
        using var plain = await http.GetAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var gzip = await http.SendAsync(request);
        Assert.Equal("gzip", Assert.Single(gzip.Content.Headers.ContentEncoding));
        using var decompressed = new MemoryStream();
        await using (var stream = new GZipStream(await gzip.Content.ReadAsStreamAsync(), CompressionMode.Decompress))
        {
            await stream.CopyToAsync(decompressed);
        }

        return ((await plain.Content.ReadAsByteArrayAsync(), plain.Headers.ETag?.Tag), (decompressed.ToArray(), gzip.Headers.ETag?.Tag));
    }

    [Theory]
    [InlineData("/digest/0001-01")]
    [InlineData("/digest/9999-12-31")]
    [InlineData("/digest/2025-13")]
    [InlineData("/digest/2025-02-30")]
    [InlineData("/digest/march")]
    public async Task Dates_outside_the_calendar_are_not_found(string path)
    {
        await using var app = await TestApp.StartAsync(worker: false);

        var answer = await app.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Contains("/digest/yyyy-MM", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_month_to_come_says_so()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        var next = app.Get<Digest>().Today.AddMonths(2);

        var page = await app.Http.GetStringAsync($"/digest/{next.ToString("yyyy-MM", CultureInfo.InvariantCulture)}");

        Assert.Contains($"{next.ToString("Y", CultureInfo.GetCultureInfo("en"))} has not come yet.", page, StringComparison.Ordinal);
    }
}
