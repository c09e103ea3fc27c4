using FeedHub.Core.Discovery;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Parser;
using FeedHub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Tests.Discovery;

public sealed class FeedDiscoveryTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "discovery", name);

    private static string Rss(string title, string site) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>{title}</title><link>{site}</link>
        <item><title>Newest post of {title}</title><link>{site}newest</link><guid>{site}newest</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>
        <item><title>Older post</title><link>{site}older</link><guid>{site}older</guid><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>
        </channel></rss>
        """;

    private static string Atom(string title, string site) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title><id>{site}</id><link href="{site}"/><updated>2026-11-24T10:00:00Z</updated>
        <entry><title>Newest post of {title}</title><id>{site}newest</id><link href="{site}newest"/><updated>2026-11-24T10:00:00Z</updated></entry>
        </feed>
        """;

    /// <summary>Serves pages and feeds by host and path (as the internet would), everything else 404.</summary>
    private static LocalHttpServer Internet(Dictionary<string, HttpReply> sites)
        => LocalHttpServer.Serving(request => sites.GetValueOrDefault(request.Header("Host") + request.Path));

    private static HttpReply Page(string fixture) => HttpReply.Bytes(200, File.ReadAllBytes(Fixture(fixture)), "text/html; charset=utf-8");

    private static HttpReply Feed(string body, string type = "application/rss+xml") => HttpReply.Text(200, body, type);

    private static FeedDiscovery CreateDiscovery(LocalHttpServer internet)
    {
        var options = new FetcherOptions { TimeoutSeconds = 5 };
        var client = new HttpClient(new RouteToLocalServer(internet.BaseUri));
        var fetcher = new FeedFetcher(client, Options.Create(options), new HostThrottle(8, 2), TimeProvider.System, NullLogger<FeedFetcher>.Instance);
        return new FeedDiscovery(fetcher, new FeedReader(), NullLogger<FeedDiscovery>.Instance);
    }

    public static TheoryData<string, string, string, string> PlatformPages => new()
    {
        { "wordpress-wptavern.html", "https://wptavern.com/stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-wordpress-market-oversaturated-with-developers", "https://wptavern.com/feed", "WordPress Tavern" },
        { "wordpress-com-kabarislamia.html", "https://kabarislamia.com/2015/03/30/jangan-membenci-satu-kaum-secara-berlebihan/", "https://kabarislamia.com/feed/", "Kabar tentang Dunia Islam" },
        { "blogger-siliconexposed.html", "http://siliconexposed.blogspot.com/2016/05/open-verilog-flow-for-silego-greenpak4.html", "http://siliconexposed.blogspot.com/feeds/posts/default", "Silicon Exposed" },
        { "drupal-aclu.html", "https://www.aclu.org/blog/privacy-technology/internet-privacy/facebook-tracking-me-even-though-im-not-facebook", "https://www.aclu.org/rss.xml", "ACLU" },
        { "medium-ckirchoff.html", "https://medium.com/@ckirchoff/on-behalf-of-literally-429fab868ca8", "https://medium.com/feed/@ckirchoff", "Stories by C. Kirchoff on Medium" },
        { "hugo-minimal.html", "https://notes.example.org/", "https://notes.example.org/index.xml", "Notes from the workshop" },
        { "ghost-minimal.html", "https://journal.example.net/", "https://journal.example.net/rss/", "Field Journal" },
        { "substack-minimal.html", "https://weeklyledger.substack.com/", "https://weeklyledger.substack.com/feed", "The Weekly Ledger" },
    };

    [Theory]
    [MemberData(nameof(PlatformPages))]
    public async Task Finds_the_site_feed_of_a_real_platform_page(string fixture, string pageUrl, string feedUrl, string feedTitle)
    {
        var page = new Uri(pageUrl);
        var feed = new Uri(feedUrl);
        var site = page.GetLeftPart(UriPartial.Authority) + "/";
        var sites = new Dictionary<string, HttpReply>
        {
            [page.Authority + page.PathAndQuery] = Page(fixture),
            [feed.Authority + feed.PathAndQuery] = Feed(Rss(feedTitle, site)),
        };
        await using var internet = Internet(sites);

        var result = await CreateDiscovery(internet).DiscoverAsync(page, CancellationToken.None);

        Assert.Null(result.Error);
        var best = result.Feeds[0];
        Assert.Equal(feed, best.FeedUrl);
        Assert.Equal(feedTitle, best.Title);
        Assert.Equal($"Newest post of {feedTitle}", best.Items[0].Title);
        Assert.Equal(2, best.ItemCount);
    }

    [Fact]
    public async Task A_feed_address_is_its_own_single_candidate()
    {
        await using var internet = Internet(new() { ["blog.example/atom.xml"] = Feed(Atom("Blog", "https://blog.example/"), "application/atom+xml") });

        var result = await CreateDiscovery(internet).DiscoverAsync(new Uri("https://blog.example/atom.xml"), CancellationToken.None);

        var only = Assert.Single(result.Feeds);
        Assert.Equal(FeedFormat.Atom, only.Format);
        Assert.Equal("the address itself", only.Via);
        Assert.Equal("https://blog.example/", only.SiteUrl);
    }

    [Theory]
    [InlineData(302, "https://blog.example/feed")]
    [InlineData(307, "https://blog.example/feed")]
    [InlineData(301, "https://cdn.example/blog/feed.xml")]
    [InlineData(308, "https://cdn.example/blog/feed.xml")]
    public async Task A_feed_behind_a_redirect_is_offered_at_the_address_asked_unless_it_moved_for_good(int status, string offered)
    {
        await using var internet = Internet(new()
        {
            ["blog.example/"] = HttpReply.Text(200, """<html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head></html>""", "text/html"),
            ["blog.example/feed"] = HttpReply.Redirect(status, "https://cdn.example/blog/feed.xml"),
            ["cdn.example/blog/feed.xml"] = Feed("""
                <?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><link>https://blog.example/</link>
                <item><title>Post</title><link>posts/1</link><guid>p1</guid></item></channel></rss>
                """),
        });
        var discovery = CreateDiscovery(internet);

        var direct = await discovery.DiscoverAsync(new Uri("https://blog.example/feed"), CancellationToken.None);
        var linked = await discovery.DiscoverAsync(new Uri("https://blog.example/"), CancellationToken.None);

        Assert.Equal(offered, Assert.Single(direct.Feeds).FeedUrl.AbsoluteUri);
        Assert.Equal(offered, Assert.Single(linked.Feeds).FeedUrl.AbsoluteUri);
        // Its relative links resolve against where it was read, wherever it is subscribed.
        Assert.Equal("https://cdn.example/blog/posts/1", Assert.Single(direct.Feeds).Items.Single().Link);
    }

    [Fact]
    public async Task A_feed_that_moved_for_good_to_an_address_lent_to_a_cdn_is_offered_at_that_address()
    {
        await using var internet = Internet(new()
        {
            ["blog.example/feed"] = HttpReply.Redirect(301, "https://newblog.example/feed"),
            ["newblog.example/feed"] = HttpReply.Redirect(302, "https://cdn.example/blog/feed.xml"),
            ["cdn.example/blog/feed.xml"] = Feed("""
                <?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><link>https://newblog.example/</link>
                <item><title>Post</title><link>posts/1</link><guid>p1</guid></item></channel></rss>
                """),
        });

        var found = await CreateDiscovery(internet).DiscoverAsync(new Uri("https://blog.example/feed"), CancellationToken.None);

        Assert.Equal("https://newblog.example/feed", Assert.Single(found.Feeds).FeedUrl.AbsoluteUri);
    }

    [Fact]
    public async Task Blogger_offers_its_atom_and_rss_feeds_and_puts_comment_feeds_last()
    {
        var blog = "http://siliconexposed.blogspot.com/";
        await using var internet = Internet(new()
        {
            ["siliconexposed.blogspot.com/2016/05/open-verilog-flow-for-silego-greenpak4.html"] = Page("blogger-siliconexposed.html"),
            ["siliconexposed.blogspot.com/feeds/posts/default"] = Feed(Atom("Silicon Exposed", blog), "application/atom+xml"),
            ["siliconexposed.blogspot.com/feeds/posts/default?alt=rss"] = Feed(Rss("Silicon Exposed", blog)),
            ["siliconexposed.blogspot.com/feeds/932306423056216142/comments/default"] = Feed(Atom("Comments", blog), "application/atom+xml"),
        });

        var result = await CreateDiscovery(internet).DiscoverAsync(new Uri(blog + "2016/05/open-verilog-flow-for-silego-greenpak4.html"), CancellationToken.None);

        Assert.Equal(
            [blog + "feeds/posts/default", blog + "feeds/posts/default?alt=rss", blog + "feeds/932306423056216142/comments/default"],
            result.Feeds.Select(f => f.FeedUrl.AbsoluteUri));
    }

    [Fact]
    public async Task A_page_without_a_feed_says_so_and_lists_what_was_tried()
    {
        await using var internet = Internet(new() { ["plain.example/"] = HttpReply.Text(200, "<!DOCTYPE html><html><head><title>Plain</title></head><body>hello</body></html>", "text/html") });

        var result = await CreateDiscovery(internet).DiscoverAsync(new Uri("https://plain.example/"), CancellationToken.None);

        Assert.Empty(result.Feeds);
        Assert.StartsWith("no feed found at https://plain.example/; tried https://plain.example/, https://plain.example/feed,", result.Error, StringComparison.Ordinal);
        Assert.Contains(result.Tried, t => t.Url.AbsoluteUri == "https://plain.example/rss.xml" && t.Outcome.Contains("404", StringComparison.Ordinal));
        Assert.Equal(FeedDiscovery.CommonPaths.Length + 1, result.Tried.Count);
    }

    [Fact]
    public async Task A_pdf_is_refused_as_neither_feed_nor_page()
    {
        await using var internet = Internet(new() { ["docs.example/report.pdf"] = HttpReply.Bytes(200, "%PDF-1.7\n%âãÏÓ\n"u8.ToArray(), "application/pdf") });

        var result = await CreateDiscovery(internet).DiscoverAsync(new Uri("https://docs.example/report.pdf"), CancellationToken.None);

        Assert.Empty(result.Feeds);
        Assert.Equal("https://docs.example/report.pdf is neither a feed nor a web page (it is application/pdf); give the address of the blog or of its feed", result.Error);
    }

    [Fact]
    public void Relative_feed_links_resolve_against_the_base_element()
    {
        var html = """<html><head><base href="https://cdn.example/blog/"><link rel="alternate" type="application/feed+json" href="feed.json"><link rel="alternate stylesheet" type="text/css" href="x.css"></head></html>"""u8.ToArray();

        var links = FeedDiscovery.LinkedFeeds(html, new Uri("https://www.example/post/1"));

        Assert.Equal([new Uri("https://cdn.example/blog/feed.json")], links);
    }

    /// <summary>Sends every request, whatever its host and scheme, to the local server, keeping the host in the Host header.</summary>
    private sealed class RouteToLocalServer(Uri server) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var original = request.RequestUri!;
            request.Headers.Host = original.Authority;
            request.RequestUri = new Uri(server, original.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
