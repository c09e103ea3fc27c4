using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FeedHub.Core.Tests.Fuzzing;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>fuzz [--corpus DIR] [--from I] [--count N] [--seed S] [--batch N] [--watchdog SECONDS] [--feedhub PATH] [--keep DIR]</c>:
/// the long mutation run. Writes mutants <c>from</c> to <c>count</c> - 1 of the corpus (<see cref="Mutator"/>, floods up to 20,000 repeats) in
/// batches, runs the built <c>feedhub parse IN OUT</c> on each batch as a user would, with a watchdog that kills a
/// batch that spends <c>--watchdog</c> seconds of processor time without output and then runs its unfinished files one by one to name the
/// hanging ones. Prints hangs, crashes (exit by signal, missing output, internal errors behind "could not read the
/// document"), documents refused by the parse budget, the slowest file and p99 of the time inside the parser, beside
/// the same figures for the unmutated corpus measured first in the same run. Hanging and crashing inputs are kept.
/// </summary>
public static class FuzzBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        if (options is null || !Directory.Exists(options.Corpus) || !File.Exists(options.FeedHub))
        {
            Console.Error.WriteLine("usage: FeedHub.Benchmarks fuzz [--corpus DIR] [--from I] [--count N] [--seed S] [--batch N] [--watchdog SECONDS] [--feedhub PATH] [--keep DIR]");
            Console.Error.WriteLine("(build first: dotnet build -c Release src/FeedHub; the corpus defaults to ../shared/corpus/feeds)");
            return 2;
        }

        var seedFiles = Directory.EnumerateFiles(options.Corpus, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "manifest.json")
            .Order(StringComparer.Ordinal)
            .ToList();
        var seeds = seedFiles.Select(File.ReadAllBytes).ToList();
        var work = Directory.CreateTempSubdirectory("feedhub-fuzz-").FullName;
        Directory.CreateDirectory(options.Keep);
        Console.WriteLine($"{seeds.Count} seed files from {options.Corpus}; mutants {options.From:N0} to {options.Count - 1:N0}, seed {options.Seed}, batches of {options.Batch:N0}, watchdog {options.Watchdog.TotalSeconds:0} s of processor time without output; {options.FeedHub} parse");

        var baseline = new Tally();
        var baselineIn = Path.Combine(work, "baseline");
        Directory.CreateDirectory(baselineIn);
        for (var i = 0; i < seeds.Count; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(baselineIn, $"s{i:D5}"), seeds[i]);
        }

        await RunBatchAsync(options, baselineIn, Path.Combine(work, "baseline-out"), baseline, name => $"seed {seedFiles[int.Parse(name[1..], CultureInfo.InvariantCulture)]}");

        var mutated = new Tally();
        var started = Stopwatch.StartNew();
        for (var first = options.From; first < options.Count; first += options.Batch)
        {
            var batchIn = Path.Combine(work, "in");
            var batchOut = Path.Combine(work, "out");
            Directory.CreateDirectory(batchIn);
            for (var index = first; index < Math.Min(options.Count, first + options.Batch); index++)
            {
                await File.WriteAllBytesAsync(Path.Combine(batchIn, $"m{index:D6}"), Mutator.Mutant(seeds, options.Seed, index, 20_000));
            }

            await RunBatchAsync(options, batchIn, batchOut, mutated, name => $"mutant {int.Parse(name[1..], CultureInfo.InvariantCulture)} of seed {seedFiles[int.Parse(name[1..], CultureInfo.InvariantCulture) % seeds.Count]}");
            Directory.Delete(batchIn, recursive: true);
            Directory.Delete(batchOut, recursive: true);
            Console.Error.Write($"\r{Math.Min(options.Count, first + options.Batch) - options.From:N0}/{options.Count - options.From:N0} files, {mutated.Hangs.Count} hangs, {mutated.Crashes.Count} crashes, {started.Elapsed.TotalSeconds:0} s");
        }

        Console.Error.WriteLine();
        Console.WriteLine($"{"",-22} {"files",8} {"MB",8} {"hangs",6} {"crashes",8} {"internal",9} {"refused",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8}  slowest");
        baseline.Print("corpus (baseline)");
        mutated.Print("mutants");
        foreach (var finding in mutated.Hangs.Concat(mutated.Crashes).Concat(mutated.Internal).Concat(mutated.Refused).Take(40))
        {
            Console.WriteLine($"  {finding}");
        }

        Console.WriteLine($"kept inputs of hangs and crashes in {options.Keep}; replay one with Mutator.Mutant(seeds, {options.Seed}, INDEX, 20000) over the sorted corpus");
        Directory.Delete(work, recursive: true);
        return 0;
    }

    /// <summary>Runs <c>feedhub parse</c> on a folder; files it leaves unfinished are run alone to tell hangs from crashes.</summary>
    private static async Task RunBatchAsync(Options options, string input, string output, Tally tally, Func<string, string> describe)
    {
        var names = Directory.GetFiles(input).Select(Path.GetFileName).OfType<string>().ToList();
        tally.Files += names.Count;
        tally.Bytes += names.Sum(name => new FileInfo(Path.Combine(input, name)).Length);

        var (exit, hung) = await ParseAsync(options, input, output);
        ReadOutputs(output, names, tally, describe);
        var unfinished = names.Where(name => !File.Exists(Path.Combine(output, name + ".json"))).ToList();
        if (exit == 0 && !hung && unfinished.Count == 0)
        {
            return;
        }

        foreach (var name in unfinished)
        {
            var alone = Path.Combine(output, "alone-" + name);
            Directory.CreateDirectory(alone + "-in");
            File.Copy(Path.Combine(input, name), Path.Combine(alone + "-in", name));
            var (aloneExit, aloneHung) = await ParseAsync(options, alone + "-in", alone);
            var kept = Path.Combine(options.Keep, name);
            if (aloneHung)
            {
                tally.Hangs.Add($"hang: {name} ({describe(name)}), killed after {options.Watchdog.TotalSeconds:0} s of processor time without output");
                File.Copy(Path.Combine(input, name), kept, overwrite: true);
            }
            else if (aloneExit != 0 || !File.Exists(Path.Combine(alone, name + ".json")))
            {
                tally.Crashes.Add($"crash: {name} ({describe(name)}), exit code {aloneExit}");
                File.Copy(Path.Combine(input, name), kept, overwrite: true);
            }
            else
            {
                ReadOutputs(alone, [name], tally, describe);
            }
        }
    }

    private static async Task<(int Exit, bool Hung)> ParseAsync(Options options, string input, string output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[options.FeedHub, "parse", input, output])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        // A hang is processor time spent without output: on a busy machine the wall clock says little (a document
        // within its 2 s budget can take a minute to get those 2 s). A process that neither works nor writes for ten
        // times the watchdog is stuck too.
        var seen = -1;
        var cpuAtProgress = TimeSpan.Zero;
        var lastProgress = Stopwatch.StartNew();
        while (!process.HasExited)
        {
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(500));
            var done = Directory.Exists(output) ? Directory.EnumerateFiles(output).Count() : 0;
            var cpu = ProcessorTime(process);
            if (done != seen)
            {
                (seen, cpuAtProgress, lastProgress) = (done, cpu, Stopwatch.StartNew());
            }
            else if (!process.HasExited && (cpu - cpuAtProgress > options.Watchdog || lastProgress.Elapsed > 10 * options.Watchdog))
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                await drain;
                return (-1, true);
            }
        }

        await drain;
        return (process.ExitCode, false);
    }

    private static TimeSpan ProcessorTime(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    private static void ReadOutputs(string output, IEnumerable<string> names, Tally tally, Func<string, string> describe)
    {
        var timingPath = Path.Combine(output, "_timing.json");
        if (File.Exists(timingPath))
        {
            using var timing = JsonDocument.Parse(File.ReadAllBytes(timingPath));
            if (timing.RootElement.TryGetProperty("file_seconds", out var files))
            {
                foreach (var file in files.EnumerateObject())
                {
                    tally.Seconds.Add((file.Value.GetDouble(), file.Name));
                }
            }

            File.Delete(timingPath);
        }

        foreach (var name in names)
        {
            var path = Path.Combine(output, name + ".json");
            if (!File.Exists(path))
            {
                continue;
            }

            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var error = json.RootElement.TryGetProperty("error", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (error?.StartsWith("could not read the document", StringComparison.Ordinal) == true)
            {
                tally.Internal.Add($"internal error: {name} ({describe(name)}): {error}");
            }
            else if (error?.Contains("FeedHub:Parser:TimeBudget", StringComparison.Ordinal) == true)
            {
                tally.Refused.Add($"over budget: {name} ({describe(name)})");
            }
        }
    }

    private sealed class Tally
    {
        public long Files { get; set; }

        public long Bytes { get; set; }

        public List<(double Seconds, string Name)> Seconds { get; } = [];

        public List<string> Hangs { get; } = [];

        public List<string> Crashes { get; } = [];

        public List<string> Internal { get; } = [];

        public List<string> Refused { get; } = [];

        public void Print(string label)
        {
            var sorted = Seconds.OrderBy(entry => entry.Seconds).ToList();
            double Percentile(double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)].Seconds * 1000;
            var slowest = sorted.Count == 0 ? "-" : $"{sorted[^1].Name} ({sorted[^1].Seconds * 1000:F1} ms)";
            Console.WriteLine($"{label,-22} {Files,8:N0} {Bytes / 1e6,8:F1} {Hangs.Count,6} {Crashes.Count,8} {Internal.Count,9} {Refused.Count,8} {Percentile(0.5),8:F2} {Percentile(0.99),8:F2} {Percentile(1),8:F1}  {slowest}");
        }
    }

    private sealed record Options(string Corpus, int From, int Count, int Seed, int Batch, TimeSpan Watchdog, string FeedHub, string Keep)
    {
        public static Options? Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    return null;
                }

                values[args[i][2..]] = args[i + 1];
            }

            if (args.Length % 2 != 0)
            {
                return null;
            }

            string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
            int Number(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
            return new Options(
                Path.GetFullPath(Get("corpus", "../shared/corpus/feeds")),
                Number("from", 0),
                Number("count", 100_000),
                Number("seed", 20_260_110),
                Number("batch", 2_000),
                TimeSpan.FromSeconds(Number("watchdog", 30)),
                Path.GetFullPath(Get("feedhub", "src/FeedHub/bin/Release/net10.0/feedhub.dll")),
                Path.GetFullPath(Get("keep", "fuzz-findings")));
        }
    }
}
