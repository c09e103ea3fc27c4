using System.CommandLine;
using System.Globalization;
using FeedHub.Api;
using FeedHub.Core.Curation;
using FeedHub.Core.Opml;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace FeedHub.Cli;

/// <summary>
/// <c>feedhub import FILE.opml [--dry-run] [--max-sources N] | --list | --undo ID</c> (a progress bar on a terminal)
/// and <c>feedhub export [FILE.opml]</c>.
/// </summary>
public static class OpmlCommands
{
    public static Command CreateImport()
    {
        var file = new Argument<string?>("FILE.opml") { Description = "The OPML subscription list to import", Arity = ArgumentArity.ZeroOrOne };
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what the import would add, skip and refuse; store nothing" };
        var maxSources = new Option<int?>("--max-sources")
        {
            Description = $"Import a list larger than {OpmlApi.MaxOpmlBytes / (1024 * 1024)} MB (the web's cap), refusing it whole if it would add more than N sources",
            HelpName = "N",
        };
        maxSources.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--max-sources takes a number of sources of at least 1");
            }
        });
        var list = new Option<bool>("--list") { Description = "List the recent imports, with their ids" };
        var undo = new Option<long?>("--undo") { Description = "Undo an import: remove the sources it added that are still there, with their articles", HelpName = "ID" };
        var import = new Command("import", "Subscribe to the feeds of an OPML list, as one batch that can be undone") { file, dryRun, maxSources, list, undo };
        import.Validators.Add(result =>
        {
            var given = new[] { result.GetValue(file) is not null, result.GetValue(list), result.GetValue(undo) is not null }.Count(g => g);
            if (given != 1)
            {
                result.AddError("import takes one of: FILE.opml, --list, --undo ID");
            }
            else if (result.GetValue(file) is null && (result.GetValue(dryRun) || result.GetValue(maxSources) is not null))
            {
                result.AddError("--dry-run and --max-sources go with FILE.opml");
            }
        });
        import.SetAction((parsed, _) => parsed.GetValue(file) is { } path && UnreadableImport(path) is { } problem
            ? FeedHubCommandLine.FailAsync(problem)
            // An import sets an installation up; listing or undoing imports reads what a store holds.
            : FeedHubCommandLine.WithServicesAsync(parsed.GetValue(file) is null ? WhenNoStore.Refuse : WhenNoStore.MakeIt, (services, token) =>
            {
                var catalog = services.GetRequiredService<SourceCatalog>();
                if (parsed.GetValue(list))
                {
                    return ListAsync(catalog, token);
                }

                return parsed.GetValue(undo) is { } batchId
                    ? UndoAsync(batchId, catalog, token)
                    : ImportAsync(parsed.GetValue(file)!, parsed.GetValue(dryRun), parsed.GetValue(maxSources), catalog, token);
            }));
        return import;
    }

    public static Command CreateExport()
    {
        var file = new Argument<string?>("FILE.opml") { Description = "Where to write (standard output without it)", Arity = ArgumentArity.ZeroOrOne };
        var export = new Command("export", "Write every source as OPML 2.0, with FeedHub's settings of each") { file };
        export.SetAction((parsed, _) => parsed.GetValue(file) is { } path && IsFolder(path)
            ? FeedHubCommandLine.FailAsync($"{path} is a folder; give a file name, such as {Path.Combine(path, "feedhub.opml")}")
            : FeedHubCommandLine.WithServicesAsync(WhenNoStore.Refuse, (services, token) => ExportAsync(parsed.GetValue(file), services, token)));
        return export;
    }

    private static async Task<int> ImportAsync(string path, bool dryRun, int? maxSources, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size > OpmlApi.MaxOpmlBytes && maxSources is null && !dryRun)
        {
            return await FeedHubCommandLine.FailAsync(
                $"{path} is {size / (1024.0 * 1024):0.0} MB, over the {OpmlApi.MaxOpmlBytes / (1024 * 1024)} MB an import takes; see what it holds with --dry-run, then import it with --max-sources N");
        }

        OpmlDocument opml;
        await using (var stream = File.OpenRead(path))
        {
            opml = OpmlReader.Read(stream);
        }

        var options = new OpmlImportOptions(Path.GetFileName(path), dryRun, maxSources);
        OpmlImportReport report;
        if (dryRun || Console.IsOutputRedirected || Console.IsErrorRedirected)
        {
            report = await catalog.ImportAsync(opml, options, null, cancellationToken);
        }
        else
        {
            report = await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var bar = progress.AddTask($"importing {opml.Feeds.Count} feeds", maxValue: Math.Max(1, opml.Feeds.Count));
                    return await catalog.ImportAsync(opml, options, new ProgressTo(done => bar.Value = done), cancellationToken);
                });
        }

        var entries = opml.Feeds.Count + opml.Problems.Count;
        Print($"{report.Invalid.Count} invalid entries skipped (fix them and import the file again: the rest is skipped as duplicates)", report.Invalid, showAll: true);
        Print($"{report.Duplicates.Count} duplicates skipped (already subscribed, or listed twice)", report.Duplicates, showAll: false);
        if (report.Refused is { } refused)
        {
            return await FeedHubCommandLine.FailAsync(refused);
        }

        Console.WriteLine(dryRun
            ? $"dry run: would import {report.WouldAdd} of {entries} entries from {path}; nothing was stored"
            : report.BatchId is { } batch
                ? $"imported {report.Added} of {entries} entries from {path} as import {batch} (undo: feedhub import --undo {batch}); they are polled when FeedHub runs"
                : $"imported 0 of {entries} entries from {path}");
        return FeedHubCommandLine.Success;
    }

    private static async Task<int> ListAsync(SourceCatalog catalog, CancellationToken cancellationToken)
    {
        var imports = await catalog.ListImportsAsync(20, cancellationToken);
        if (imports.Count == 0)
        {
            Console.WriteLine("no imports yet");
        }

        foreach (var batch in imports)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{batch.Id,5}  {batch.CreatedAt:yyyy-MM-dd HH:mm'Z'}  {batch.Added} added, {batch.Remaining} still subscribed  {batch.Origin}"));
        }

        return FeedHubCommandLine.Success;
    }

    private static async Task<int> UndoAsync(long batchId, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        if (await catalog.UndoImportAsync(batchId, cancellationToken) is not { } removed)
        {
            return await FeedHubCommandLine.FailAsync($"there is no import {batchId} (undone already?); see feedhub import --list");
        }

        Console.WriteLine($"undid import {batchId}: removed {removed} source{(removed == 1 ? string.Empty : "s")} and their articles");
        return FeedHubCommandLine.Success;
    }

    private static async Task<int> ExportAsync(string? path, IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IFeedStore>();
        var sources = await store.ListSourceOutlinesAsync(cancellationToken);
        var title = $"{services.GetRequiredService<IOptions<SiteOptions>>().Value.Title} sources";
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (path is null)
        {
            await using var output = Console.OpenStandardOutput();
            OpmlWriter.Write(output, title, sources, now);
            return FeedHubCommandLine.Success;
        }

        // Written beside the target and moved over it, so a failed export never leaves half a file in its place.
        var partial = path + ".partial";
        await using (var file = File.Create(partial))
        {
            OpmlWriter.Write(file, title, sources, now);
        }

        File.Move(partial, path, overwrite: true);
        Console.WriteLine($"exported {sources.Count} sources to {path}");
        return FeedHubCommandLine.Success;
    }

    /// <summary>Why the file to import cannot be read, found before a store is opened (or made) for it.</summary>
    private static string? UnreadableImport(string path)
        => Directory.Exists(path) ? $"{path} is a folder; give the OPML file in it"
            : File.Exists(path) ? null
            : $"there is no file {path}";

    private static bool IsFolder(string path) => Directory.Exists(path) || path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar);

    private static void Print(string heading, IReadOnlyList<OpmlProblem> problems, bool showAll)
    {
        if (problems.Count == 0)
        {
            return;
        }

        Console.WriteLine(heading + ":");
        const int Shown = 20;
        foreach (var problem in showAll ? problems : problems.Take(Shown))
        {
            Console.WriteLine($"  line {problem.Line}: {problem.Message}");
        }

        if (!showAll && problems.Count > Shown)
        {
            Console.WriteLine($"  … and {problems.Count - Shown} more, on lines {string.Join(", ", problems.Skip(Shown).Select(p => p.Line))}");
        }
    }

    /// <summary>Reports progress on the importing thread (the bar is thread-safe), unlike <see cref="Progress{T}"/> which posts.</summary>
    private sealed class ProgressTo(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
