using System.CommandLine;
using System.Globalization;
using System.Text;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Cli;

/// <summary>
/// <c>feedhub poll [--once]</c>: polls the due sources (or, with --once, every active source) now, then the article pages
/// they found partial, then prints a summary. The sources' next polls go to the workers' queue once they are all stored.
/// </summary>
public static class PollCommand
{
    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Poll every active source once, due or not" };
        var poll = new Command("poll", "Poll the due sources now (or all, --once), print a summary and exit") { once };
        poll.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync(WhenNoStore.Refuse, (services, token) => RunAsync(parsed.GetValue(once), services, token)));
        return poll;
    }

    private static async Task<int> RunAsync(bool all, IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IFeedStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var sources = (await store.ListSourcesAsync(cancellationToken))
            .Where(s => s.State == SourceState.Active && (all || (s.Fetch.NextPollAt ?? now) <= now))
            .ToList();
        // Read before the polls, which move each source's next poll time on the very objects listed.
        var dueBefore = sources.ToDictionary(s => s.Id, s => s.Fetch.NextPollAt);
        var parallelism = services.GetRequiredService<IOptions<FetcherOptions>>().Value.MaxConcurrency;
        var reports = new List<PollReport>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken };
        // One poller (and one fetcher's client) for the run, shared by the polls: both are safe to.
        var poller = services.GetRequiredService<SourcePoller>();
        await Parallel.ForEachAsync(sources, parallel, async (source, token) =>
        {
            var report = await poller.PollAsync(source, token);
            lock (reports)
            {
                reports.Add(report);
            }
        });

        // Every poll's state is in the store before the queue and the store are read again below.
        await services.GetRequiredService<QuietPollSaves>().FlushAsync(cancellationToken);

        // The next polls go to the workers' queue together, in a few transactions, rather than in one each (on
        // PostgreSQL, the clustered queue's lock and rows cost more than the poll of a feed that did not change). A
        // source polled before its time and still due when it was (its slot did not move) is queued already. A run
        // stopped before this leaves the queue behind the store, which the workers' schedule sync repairs.
        var scheduler = services.GetRequiredService<IPollScheduler>();
        var queued = reports.Where(r => r.NextPollAt is not null && r.NextPollAt != dueBefore[r.SourceId]).Select(r => new DuePoll(r.SourceId, r.NextPollAt!.Value)).ToList();
        await scheduler.ScheduleAsync(queued, cancellationToken);

        // The queue then follows the store (PollQueueFollowing) for the sources retired, paused or removed by the poll
        // and for those queued above that a curator paused or removed while they were polled, read once the batch is in.
        var active = (await store.ListSourceOutlinesAsync(cancellationToken)).Where(s => s.State == SourceState.Active).Select(s => s.Id).ToHashSet();
        foreach (var id in reports.Where(r => r.NextPollAt is null).Select(r => r.SourceId).Concat(queued.Select(p => p.SourceId).Where(id => !active.Contains(id))))
        {
            await scheduler.FollowStoreAsync(store, id, null, cancellationToken);
        }

        if (reports.FirstOrDefault(r => r.StorageFailed) is { } refused)
        {
            // The store refused the polls' writes: nothing of them was kept, so a later poll gets the same articles.
            return await FeedHubCommandLine.FailAsync($"{refused.Error}; nothing was stored, poll again once the store takes writes");
        }

        // Pages after feeds, never inside a feed's turn: a slow site's pages do not hold up the other feeds.
        await Parallel.ForEachAsync(reports.SelectMany(r => r.PendingExtraction), parallel,
            async (articleId, token) => await services.GetRequiredService<FullTextFetcher>().CompleteAsync([articleId], token));

        // One write for the whole summary: a line at a time was a system call per source.
        var summary = new StringBuilder();
        foreach (var report in reports.OrderBy(r => r.SourceId))
        {
            var detail = report.Outcome switch
            {
                PollOutcome.Updated => $"{report.Added} new, {report.Updated} updated",
                PollOutcome.NotModified => "not modified",
                _ => report.Error,
            };
            summary.AppendLine(CultureInfo.CurrentCulture, $"{report.SourceId,5}  {report.Outcome.ToString().ToLowerInvariant(),-12} {report.SourceName}: {detail}");
        }

        var failed = reports.Count(r => r.Outcome == PollOutcome.Failed);
        summary.AppendLine(CultureInfo.CurrentCulture, $"polled {reports.Count} sources: {reports.Sum(r => r.Added)} new articles, {reports.Sum(r => r.Updated)} updated, {failed} failed");
        await Console.Out.WriteAsync(summary, cancellationToken);
        return FeedHubCommandLine.Success;
    }
}
