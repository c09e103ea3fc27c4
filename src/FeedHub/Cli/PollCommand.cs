using System.CommandLine;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Cli;

/// <summary><c>feedhub poll [--once]</c>: polls the due sources (or, with --once, every active source) now, then prints a summary.</summary>
public static class PollCommand
{
    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Poll every active source once, due or not" };
        var poll = new Command("poll", "Poll the due sources now (or all, --once), print a summary and exit") { once };
        poll.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync((services, token) => RunAsync(parsed.GetValue(once), services, token)));
        return poll;
    }

    private static async Task<int> RunAsync(bool all, IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IFeedStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var sources = (await store.ListSourcesAsync(cancellationToken))
            .Where(s => s.State == SourceState.Active && (all || (s.Fetch.NextPollAt ?? now) <= now))
            .ToList();
        var parallelism = services.GetRequiredService<IOptions<FetcherOptions>>().Value.MaxConcurrency;
        var reports = new List<PollReport>();
        await Parallel.ForEachAsync(sources, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, async (source, token) =>
        {
            var report = await services.GetRequiredService<SourcePoller>().PollAsync(source, token);
            await services.GetRequiredService<FullTextFetcher>().CompleteAsync(report.PendingExtraction, token);
            lock (reports)
            {
                reports.Add(report);
            }
        });

        foreach (var report in reports.OrderBy(r => r.SourceId))
        {
            var detail = report.Outcome switch
            {
                PollOutcome.Updated => $"{report.Added} new, {report.Updated} updated",
                PollOutcome.NotModified => "not modified",
                _ => report.Error,
            };
            Console.WriteLine($"{report.SourceId,5}  {report.Outcome.ToString().ToLowerInvariant(),-12} {report.SourceName}: {detail}");
        }

        var failed = reports.Count(r => r.Outcome == PollOutcome.Failed);
        Console.WriteLine($"polled {reports.Count} sources: {reports.Sum(r => r.Added)} new articles, {reports.Sum(r => r.Updated)} updated, {failed} failed");
        return FeedHubCommandLine.Success;
    }
}
