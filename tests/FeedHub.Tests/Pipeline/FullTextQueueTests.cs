using System.Globalization;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>Article pages are fetched as queued work of their own: a feed's poll ends when its feed is stored, and a slow site's pages never hold up its feeds.</summary>
public sealed class FullTextQueueTests
{
    private const int ItemsPerFeed = 5;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Pages_wait_in_their_own_queue_one_at_a_time_per_host_while_the_hosts_feeds_are_polled()
    {
        var pagesReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pagesInFlight = 0;
        var mostPagesAtOnce = 0;
        await using var site = new LocalHttpServer(async (request, stream, token) =>
        {
            var host = request.Header("Host");
            if (request.Path.StartsWith("/pages/", StringComparison.Ordinal))
            {
                var now = Interlocked.Increment(ref pagesInFlight);
                InterlockedMax(ref mostPagesAtOnce, now);
                try
                {
                    await pagesReleased.Task.WaitAsync(token);
                    await HttpReply.Text(200, Page(request.Path), "text/html; charset=utf-8").WriteAsync(stream, token);
                }
                finally
                {
                    Interlocked.Decrement(ref pagesInFlight);
                }

                return;
            }

            var reply = request.Path switch
            {
                "/partial-1.xml" or "/partial-2.xml" => HttpReply.Text(200, Feed(host!, request.Path, partial: true), "application/rss+xml"),
                "/full.xml" => HttpReply.Text(200, Feed(host!, request.Path, partial: false), "application/rss+xml"),
                _ => HttpReply.Text(404, "not found"),
            };
            await reply.WriteAsync(stream, token);
        });
        await using var app = await TestApp.StartAsync();
        var catalog = app.Get<SourceCatalog>();
        var store = app.Get<IFeedStore>();

        // Two summary-only feeds: their polls end when their items are stored, while every page is still to fetch.
        var partial = new List<Source>();
        foreach (var feed in new[] { "partial-1.xml", "partial-2.xml" })
        {
            partial.Add((await catalog.AddAsync(site.Url(feed).AbsoluteUri, SourceSettings.None, default)).Source!);
        }

        var polled = await TestApp.EventuallyAsync(
            async () => await Task.WhenAll(partial.Select(s => store.GetSourceAsync(s.Id, default))),
            sources => sources.All(s => s!.Fetch.LastSuccessAt is not null), Deadline);
        Assert.All(polled, s => Assert.NotNull(s!.Fetch.LastSuccessAt));
        var articles = await store.ListArticlesAsync(new ArticleQuery(), default);
        Assert.Equal(2 * ItemsPerFeed, articles.Count);
        Assert.All(articles, a => Assert.Equal(ExtractionState.Pending, a.Extraction));

        // The host's other feed is added and polled while its pages are held: a page has a slot, the feed the other.
        using var timeout = new CancellationTokenSource(Deadline);
        var full = (await catalog.AddAsync(site.Url("full.xml").AbsoluteUri, SourceSettings.None, timeout.Token)).Source!;
        var fullArticles = await TestApp.EventuallyAsync(() => store.CountArticlesAsync(full.Id, default), n => n == 1, Deadline);
        Assert.Equal(1, fullArticles);
        Assert.Equal(1, await TestApp.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref pagesInFlight)), n => n > 0, Deadline));

        pagesReleased.SetResult();
        var done = await TestApp.EventuallyAsync(
            async () => (await store.ListArticlesAsync(new ArticleQuery(), default)).Where(a => a.SourceId != full.Id).ToList(),
            all => all.All(a => a.Extraction != ExtractionState.Pending), Deadline);
        Assert.All(done, a => Assert.Equal(ExtractionState.Ok, a.Extraction));
        Assert.Equal(1, Volatile.Read(ref mostPagesAtOnce));
    }

    private static string Feed(string host, string path, bool partial)
    {
        var items = string.Concat(Enumerable.Range(0, partial ? ItemsPerFeed : 1).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"<item><title>{path} post {i}</title><link>http://{host}/pages{path}/{i}</link><guid>{path}-{i}</guid><pubDate>Mon, 0{i + 1} Nov 2026 10:00:00 GMT</pubDate>"
            + $"<description>{(partial ? "The opening lines of the post. Read more…" : string.Concat(Enumerable.Repeat("A whole post, every word of it in the feed. ", 40)))}</description></item>")));
        return $"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{path}</title><link>http://{host}/</link>{items}</channel></rss>";
    }

    private static string Page(string path) => $"""
        <!DOCTYPE html><html lang="en"><head><title>{path}</title></head><body><nav><a href="/">Home</a></nav>
        <article><h1>{path}</h1>{string.Concat(Enumerable.Range(0, 8).Select(p => $"<p>Paragraph {p} of the whole article, long enough to be the article and not its summary: it goes on about the subject at some length, as articles do, with a few more words to make sure.</p>"))}</article>
        <footer>Share this post</footer></body></html>
        """;

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Volatile.Read(ref target);
        }
    }
}
