using System.Collections.Concurrent;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using FeedHub.Worker;
using Quartz;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// On LiteDB the page queue lives in memory: a worker that starts queues again the pages the store still waits for, and
/// a running one does so at an interval for pages the queue lost while it ran.
/// </summary>
public sealed class PendingPagesRestartTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Articles_left_waiting_for_their_page_when_FeedHub_stopped_get_it_after_the_next_start()
    {
        var pagesFetched = new ConcurrentBag<string>();
        await using var site = new LocalHttpServer(async (request, stream, token) =>
        {
            HttpReply reply;
            if (request.Path.StartsWith("/pages/", StringComparison.Ordinal))
            {
                pagesFetched.Add(request.Path);
                reply = HttpReply.Text(200, Page(request.Path), "text/html; charset=utf-8");
            }
            else
            {
                reply = HttpReply.Text(200, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Quiet</title></channel></rss>", "application/rss+xml");
            }

            await reply.WriteAsync(stream, token);
        });

        // Stored by a process that stopped before it fetched their pages (a web-only one here fetches nothing).
        var data = Directory.CreateTempSubdirectory("feedhub-pending-").FullName;
        List<Article> waiting;
        await using (var stopped = await TestApp.StartAsync(data, worker: false))
        {
            var store = stopped.Get<IFeedStore>();
            var source = await store.AddSourceAsync(new Source { FeedUrl = site.Url("feed.xml").AbsoluteUri, Title = "Quiet", CreatedAt = DateTimeOffset.UtcNow }, default);
            waiting = [.. Enumerable.Range(0, 3).Select(i => new Article
            {
                SourceId = source.Id,
                Key = $"post-{i}",
                ContentHash = $"post-{i}",
                Title = $"Post {i}",
                Link = site.Url($"pages/{i}").AbsoluteUri,
                Summary = "The opening lines of the post. Read more…",
                Published = DateTimeOffset.UtcNow.AddHours(-i),
                SortDate = DateTimeOffset.UtcNow.AddHours(-i),
                FirstSeenAt = DateTimeOffset.UtcNow,
                ChangedAt = DateTimeOffset.UtcNow,
                Extraction = ExtractionState.Pending,
            })];
            await store.SaveArticlesAsync(waiting, [], default);
        }

        Assert.Empty(pagesFetched);
        await using var started = await TestApp.StartAsync(data);
        var articles = await TestApp.EventuallyAsync(
            () => Task.WhenAll(waiting.Select(a => started.Get<IFeedStore>().GetArticleAsync(a.Id, default))),
            all => all.All(a => a!.Extraction != ExtractionState.Pending), Deadline);

        Assert.All(articles, a => Assert.Equal(ExtractionState.Ok, a!.Extraction));
        Assert.All(articles, a => Assert.Contains("whole article", a!.ExtractedText, StringComparison.Ordinal));
        Assert.Equal(["/pages/0", "/pages/1", "/pages/2"], pagesFetched.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_article_left_waiting_for_its_page_while_FeedHub_runs_gets_it_at_the_next_check()
    {
        var pagesFetched = new ConcurrentBag<string>();
        await using var site = new LocalHttpServer(async (request, stream, token) =>
        {
            pagesFetched.Add(request.Path);
            await HttpReply.Text(200, Page(request.Path), "text/html; charset=utf-8").WriteAsync(stream, token);
        });
        await using var app = await TestApp.StartAsync(settings: "--FeedHub:Polling:PendingPagesCheck=00:00:01");
        var store = app.Get<IFeedStore>();

        // The check that runs at the start is over once a run that began after it has ended: from then on, an article
        // stored without its page queued is one the queue lost while the worker ran (a page job that failed before it
        // stored an outcome, a page queued again while its job ended).
        var scheduler = await app.Get<ISchedulerFactory>().GetScheduler();
        var checks = new PendingPagesChecks();
        scheduler.ListenerManager.AddJobListener(checks, Matchers.Key(PendingPagesJob.Key));
        await checks.Ended.Task.WaitAsync(Deadline);

        var source = await store.AddSourceAsync(new Source { FeedUrl = site.Url("feed.xml").AbsoluteUri, Title = "Quiet", CreatedAt = DateTimeOffset.UtcNow }, default);
        var lost = new Article
        {
            SourceId = source.Id,
            Key = "lost",
            ContentHash = "lost",
            Title = "Lost",
            Link = site.Url("pages/lost").AbsoluteUri,
            Summary = "The opening lines of the post. Read more…",
            Published = DateTimeOffset.UtcNow,
            SortDate = DateTimeOffset.UtcNow,
            FirstSeenAt = DateTimeOffset.UtcNow,
            ChangedAt = DateTimeOffset.UtcNow,
            Extraction = ExtractionState.Pending,
        };
        await store.SaveArticlesAsync([lost], [], default);

        var fetched = await TestApp.EventuallyAsync(() => store.GetArticleAsync(lost.Id, default), a => a!.Extraction != ExtractionState.Pending, Deadline);
        Assert.Equal(ExtractionState.Ok, fetched!.Extraction);
        Assert.Contains("whole article", fetched.ExtractedText, StringComparison.Ordinal);
        // The worker also polls the new source's feed when it sees it, which may come before or after: only pages count.
        Assert.Equal(["/pages/lost"], pagesFetched.Where(path => path.StartsWith("/pages/", StringComparison.Ordinal)));
    }

    private sealed class PendingPagesChecks : IJobListener
    {
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            Ended.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private static string Page(string path) => $"""
        <!DOCTYPE html><html lang="en"><head><title>{path}</title></head><body><nav><a href="/">Home</a></nav>
        <article><h1>{path}</h1>{string.Concat(Enumerable.Range(0, 8).Select(p => $"<p>Paragraph {p} of the whole article, long enough to be the article and not its summary: it goes on about the subject at some length, as articles do, with a few more words to make sure.</p>"))}</article>
        <footer>Share this post</footer></body></html>
        """;
}
