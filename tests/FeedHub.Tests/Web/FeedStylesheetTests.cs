using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using FeedHub.Core.Parser;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Web;

/// <summary>
/// Atom and RSS name their XSLT stylesheet and stay valid feeds: FeedHub's own parser and Universal Feed Parser
/// (Debian's python3-feedparser) read them without complaint, whichever type they were served with.
/// </summary>
public sealed class FeedStylesheetTests
{
    private const string SystemPython = "/usr/bin/python3";
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    [Theory]
    [InlineData("/feed.atom", "application/atom+xml")]
    [InlineData("/feed.rss", "application/rss+xml")]
    [InlineData("/digest.atom", "application/atom+xml")]
    [InlineData("/digest.rss", "application/rss+xml")]
    public async Task Feeds_name_their_stylesheet_and_stay_valid_for_parsers_and_readers(string path, string readerType)
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        var digest = app.Get<Core.Publishing.Digest>();
        var (yesterday, _) = digest.Bounds(digest.Today.AddDays(-1));
        await StoreSeeder.ArticleAsync(store, source, "A story", yesterday.AddHours(10));

        var forReaders = await GetAsync(app, path, "application/atom+xml, application/rss+xml, */*;q=0.5");
        var forBrowsers = await GetAsync(app, path, BrowserAccept);

        Assert.Equal(readerType, forReaders.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/xml", forBrowsers.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", forReaders.Headers.Vary);
        var body = await forReaders.Content.ReadAsByteArrayAsync();
        Assert.Equal(body, await forBrowsers.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("""<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet type="text/xsl" href="/assets/feed.xsl"?>""", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);

        var feed = new FeedReader().Read(body, readerType, new Uri(app.BaseUri, path));
        Assert.Null(feed.Error);
        Assert.Single(feed.Items);

        var file = Path.Combine(app.DataDirectory, "feed.xml");
        await File.WriteAllBytesAsync(file, body);
        using var parsed = JsonDocument.Parse(await FeedparserAsync(file));
        Assert.False(parsed.RootElement.GetProperty("bozo").GetBoolean(), parsed.RootElement.GetProperty("bozo_exception").GetString());
        Assert.Single(parsed.RootElement.GetProperty("entries").EnumerateArray());
    }

    [Theory]
    [InlineData("application/atom+xml, text/html;q=0.5")]
    [InlineData("application/rss+xml, application/xml;q=0.9, text/html;q=0.1")]
    [InlineData("*/*")]
    [InlineData("")]
    public async Task A_reader_that_names_a_feed_type_or_none_gets_the_feeds_own_type(string accept)
    {
        await using var app = await TestApp.StartAsync(worker: false);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/feed.atom");
        if (accept.Length > 0)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        Assert.Equal("application/atom+xml", (await app.Http.SendAsync(request)).Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_stylesheet_is_served_from_the_assets_under_the_sites_policy()
    {
        await using var app = await TestApp.StartAsync(worker: false);

        var answer = await app.Http.GetAsync("/assets/feed.xsl");

        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("xml", answer.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", answer.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var xsl = await answer.Content.ReadAsStringAsync();
        Assert.Contains("xsl:stylesheet", xsl, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", xsl, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", xsl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JSON_feed_opened_in_a_browser_is_shown_rather_than_downloaded()
    {
        await using var app = await TestApp.StartAsync(worker: false);

        Assert.Equal("application/json", (await GetAsync(app, "/feed.json", BrowserAccept)).Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/feed+json", (await GetAsync(app, "/feed.json", "application/feed+json, application/json;q=0.9")).Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// A browser's navigation (it sends <c>Sec-Fetch-Dest: document</c>, which feed readers never do) gets the page the
    /// site's stylesheet makes of the feed, made on the server: Chromium is removing XSLT. It has a tag of its own and
    /// answers revalidation with 304; a client asking for HTML without that header still gets the feed, and a JSON feed
    /// stays JSON.
    /// </summary>
    [Theory]
    [InlineData("/feed.atom")]
    [InlineData("/feed.rss")]
    [InlineData("/digest.atom")]
    public async Task A_browsers_navigation_to_a_feed_gets_the_feeds_page_made_on_the_server(string path)
    {
        await using var app = await TestApp.StartAsync(worker: false, settings: TestApp.MiddayDigestZone());
        var store = app.Get<IFeedStore>();
        var source = await StoreSeeder.SourceAsync(store, "Tech Notes", "Tech");
        var digest = app.Get<Core.Publishing.Digest>();
        var (yesterday, _) = digest.Bounds(digest.Today.AddDays(-1));
        await StoreSeeder.ArticleAsync(store, source, "A story & more", yesterday.AddHours(10));

        var page = await NavigateAsync(app, path, etag: null);
        var html = await page.Content.ReadAsStringAsync();
        var again = await NavigateAsync(app, path, page.Headers.ETag!.Tag);
        var feed = await GetAsync(app, path, BrowserAccept);

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h2 id=\"about-feed\">This is a feed</h2>", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{new Uri(app.BaseUri, path).AbsoluteUri}\"", html, StringComparison.Ordinal);
        Assert.Contains(path.StartsWith("/digest", StringComparison.Ordinal) ? "FeedHub digest for " : "A story &amp; more", html, StringComparison.Ordinal);
        Assert.Contains("Sec-Fetch-Dest", page.Headers.Vary);
        Assert.Equal(System.Net.HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal("application/xml", feed.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(page.Headers.ETag, feed.Headers.ETag);
        Assert.Contains("Sec-Fetch-Dest", feed.Headers.Vary);
        using var json = new HttpRequestMessage(HttpMethod.Get, "/feed.json");
        json.Headers.Accept.ParseAdd(BrowserAccept);
        json.Headers.Add("Sec-Fetch-Dest", "document");
        Assert.Equal("application/json", (await app.Http.SendAsync(json)).Content.Headers.ContentType?.MediaType);
    }

    private static async Task<HttpResponseMessage> NavigateAsync(TestApp app, string path, string? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(BrowserAccept);
        request.Headers.Add("Sec-Fetch-Dest", "document");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        if (etag is not null)
        {
            request.Headers.IfNoneMatch.ParseAdd(etag);
        }

        return await app.Http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> GetAsync(TestApp app, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        var response = await app.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response;
    }

    /// <summary>Universal Feed Parser's reading of a feed file, as JSON (tests/readers/feedparser-read.py).</summary>
    private static async Task<string> FeedparserAsync(string file)
    {
        var script = ReadersScript();
        var start = new ProcessStartInfo(SystemPython) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(file);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{SystemPython} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"feedparser failed (apt-get install -y python3-feedparser; tests/run.sh installs it): {await errors}");
        return await output;
    }

    private static string ReadersScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var script = Path.Combine(directory.FullName, "tests", "readers", "feedparser-read.py");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new InvalidOperationException("tests/readers/feedparser-read.py was not found above " + AppContext.BaseDirectory);
    }
}
