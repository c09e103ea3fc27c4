using FeedHub.Core.Curation;
using FeedHub.Core.Opml;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace FeedHub.Cli;

/// <summary><c>feedhub import FILE.opml</c> (with a progress bar on a terminal) and <c>feedhub export [FILE.opml]</c>.</summary>
public static class OpmlCommands
{
    public static async Task<int> ImportAsync(string[] args, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (args is not [var path])
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "import needs: import FILE.opml");
        }

        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"feedhub: there is no file {path}");
            return FeedHubCommandLine.Failure;
        }

        OpmlDocument opml;
        await using (var stream = File.OpenRead(path))
        {
            opml = OpmlReader.Read(stream);
        }

        var catalog = services.GetRequiredService<SourceCatalog>();
        OpmlImportReport report;
        if (Console.IsOutputRedirected || Console.IsErrorRedirected)
        {
            report = await catalog.ImportAsync(opml, null, cancellationToken);
        }
        else
        {
            report = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var bar = progress.AddTask($"importing {opml.Feeds.Count} feeds", maxValue: Math.Max(1, opml.Feeds.Count));
                    return await catalog.ImportAsync(opml, new ProgressTo(done => bar.Value = done), cancellationToken);
                });
        }

        Console.WriteLine($"imported {report.Added} of {opml.Feeds.Count + report.Invalid.Count} entries from {path}; they are polled when FeedHub runs");
        Print($"{report.Duplicates.Count} duplicates skipped", report.Duplicates);
        Print($"{report.Invalid.Count} invalid entries skipped", report.Invalid);
        return FeedHubCommandLine.Success;
    }

    public static async Task<int> ExportAsync(string[] args, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (args.Length > 1)
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "export needs: export [FILE.opml] (standard output without a file)");
        }

        var store = services.GetRequiredService<IFeedStore>();
        var sources = await store.ListSourcesAsync(cancellationToken);
        var title = $"{services.GetRequiredService<IOptions<SiteOptions>>().Value.Title} sources";
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (args is [var path])
        {
            await using (var file = File.Create(path))
            {
                OpmlWriter.Write(file, title, sources, now);
            }

            Console.WriteLine($"exported {sources.Count} sources to {path}");
        }
        else
        {
            await using var output = Console.OpenStandardOutput();
            OpmlWriter.Write(output, title, sources, now);
        }

        return FeedHubCommandLine.Success;
    }

    private static void Print(string heading, IReadOnlyList<OpmlProblem> problems)
    {
        if (problems.Count == 0)
        {
            return;
        }

        Console.WriteLine(heading + ":");
        foreach (var problem in problems)
        {
            Console.WriteLine($"  line {problem.Line}: {problem.Message}");
        }
    }

    /// <summary>Reports progress on the importing thread (the bar is thread-safe), unlike <see cref="Progress{T}"/> which posts.</summary>
    private sealed class ProgressTo(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
