using System.Diagnostics;
using System.Globalization;
using AngleSharp.Html.Parser;
using FeedHub.Core.Readability;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>extraction DIR [PASSES]</c>: extracts every DIR/*.html (or DIR/*/source.html) on one thread, pass after
/// pass, and prints pages/s, the slowest page and allocated bytes per page, beside AngleSharp parse-only on the
/// same pages. Pass 1 is cold (JIT), later passes are steady state.
/// </summary>
public static class ExtractionBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 2 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: FeedHub.Benchmarks extraction DIR [PASSES]");
            return 2;
        }

        var passes = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var pages = Directory.GetFiles(args[0], "*.html", SearchOption.AllDirectories)
            .Where(path => !path.EndsWith("expected.html", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => (Name: Path.GetRelativePath(args[0], path), Bytes: File.ReadAllBytes(path)))
            .ToList();
        Console.WriteLine($"{pages.Count} pages, {pages.Sum(p => p.Bytes.Length) / 1024} KiB");

        var textOnly = new ExtractionOptions { IncludeHtml = false };
        for (var pass = 1; pass <= passes; pass++)
        {
            Measure($"pass {pass} extract (text)", pages, bytes => ArticleExtractor.Shared.Extract(bytes, null, null, textOnly));
            Measure($"pass {pass} extract (text+html)", pages, bytes => ArticleExtractor.Shared.Extract(bytes, null, null));
            var parser = new HtmlParser();
            Measure($"pass {pass} parse only", pages, bytes => parser.ParseDocument(ArticleExtractor.DecodePage(bytes, null)).Dispose());
        }

        return 0;
    }

    private static void Measure(string label, List<(string Name, byte[] Bytes)> pages, Action<byte[]> work)
    {
        var slowest = (Name: string.Empty, Milliseconds: 0.0);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        foreach (var (name, bytes) in pages)
        {
            var pageStarted = Stopwatch.GetTimestamp();
            work(bytes);
            var milliseconds = Stopwatch.GetElapsedTime(pageStarted).TotalMilliseconds;
            if (milliseconds > slowest.Milliseconds)
            {
                slowest = (name, milliseconds);
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var allocatedPerPage = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / pages.Count;
        Console.WriteLine(FormattableString.Invariant(
            $"{label,-32} {pages.Count / seconds,8:F1} pages/s  slowest {slowest.Milliseconds,7:F1} ms ({slowest.Name})  {allocatedPerPage / 1024.0 / 1024.0,6:F2} MiB/page"));
    }
}
