using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Runtime;
using System.Text;
using System.Text.Json;
using FeedHub.Core.Readability;

namespace FeedHub.Cli;

/// <summary>
/// <c>feedhub extract IN_DIR OUT_DIR</c>: the plain text of the article of every page, no network. Writes
/// <c>OUT_DIR/&lt;id&gt;.txt</c> for every <c>IN_DIR/&lt;id&gt;.html</c> (empty when nothing was found) and
/// <c>OUT_DIR/_timing.json</c> with the run's seconds, its peak memory and its slowest pages.
/// </summary>
public static class ExtractCommand
{
    private static readonly ExtractionOptions TextOnly = new() { IncludeHtml = false };

    public static Command Create()
    {
        var input = new Argument<string>("IN_DIR") { Description = "The folder of pages, <id>.html" };
        var output = new Argument<string>("OUT_DIR") { Description = "Where <id>.txt is written for each" };
        var extract = new Command("extract", "Extract the article of every IN_DIR/<id>.html (no network) into OUT_DIR/<id>.txt") { input, output };
        extract.SetAction(parsed => Run(parsed.GetValue(input)!, parsed.GetValue(output)!));
        return extract;
    }

    private static int Run(string inDir, string outDir)
    {
        if (!Directory.Exists(inDir))
        {
            throw new UsageException($"no such directory '{inDir}'");
        }

        Directory.CreateDirectory(outDir);

        // A one-shot batch: throughput matters, pause times do not.
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        var pages = Directory.GetFiles(inDir, "*.html");
        var utf8 = new UTF8Encoding(false);
        var started = Stopwatch.GetTimestamp();

        // No warm-up page: with the ReadyToRun build the one-time set-up (~0.1 s, far inside a page's parse budget) is
        // paid by the first pages while the other cores work, instead of before any page starts.
        var milliseconds = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var failed = 0;
        Parallel.ForEach(pages, page =>
        {
            var id = Path.GetFileNameWithoutExtension(page);
            var pageStarted = Stopwatch.GetTimestamp();
            var text = string.Empty;
            try
            {
                var result = ArticleExtractor.Shared.Extract(File.ReadAllBytes(page), contentType: null, pageUrl: null, TextOnly);
                text = result.Text;
                if (result.Outcome == ExtractionOutcome.Failed)
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref failed);
                Console.Error.WriteLine($"{id}: {e.Message}");
            }

            milliseconds[id] = Stopwatch.GetElapsedTime(pageStarted).TotalMilliseconds;
            File.WriteAllText(Path.Combine(outDir, id + ".txt"), text, utf8);
        });

        WriteTiming(Path.Combine(outDir, "_timing.json"), Stopwatch.GetElapsedTime(started), pages.Length, failed, milliseconds);
        return FeedHubCommandLine.Success;
    }

    /// <summary>Written by hand: reflection-based serialisation would cost this short run more JIT time than any page.</summary>
    private static void WriteTiming(string path, TimeSpan elapsed, int pages, int failed, IReadOnlyDictionary<string, double> milliseconds)
    {
        using var file = File.Create(path);
        using var json = new Utf8JsonWriter(file);
        json.WriteStartObject();
        json.WriteNumber("seconds", Math.Round(elapsed.TotalSeconds, 3));
        json.WriteNumber("pages", pages);
        json.WriteNumber("failed", failed);
        using (var process = Process.GetCurrentProcess())
        {
            json.WriteNumber("peak_working_set_mb", Math.Round(process.PeakWorkingSet64 / 1048576.0, 1));
        }

        json.WriteStartObject("slowest_ms");
        foreach (var (id, pageMilliseconds) in milliseconds.OrderByDescending(kv => kv.Value).Take(5))
        {
            json.WriteNumber(id, Math.Round(pageMilliseconds, 1));
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
