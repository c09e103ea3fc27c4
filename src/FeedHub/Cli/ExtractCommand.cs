using System.Diagnostics;
using System.Text;
using FeedHub.Core.Readability;

namespace FeedHub.Cli;

/// <summary><c>feedhub extract IN_DIR OUT_DIR</c>: the plain text of the article of every page, no network.</summary>
public static class ExtractCommand
{
    private static readonly ExtractionOptions TextOnly = new() { IncludeHtml = false };

    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "extract needs IN_DIR and OUT_DIR");
        }

        var (inDir, outDir) = (args[0], args[1]);
        if (!Directory.Exists(inDir))
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, $"no such directory '{inDir}'");
        }

        Directory.CreateDirectory(outDir);
        var pages = Directory.GetFiles(inDir, "*.html");
        var utf8 = new UTF8Encoding(false);
        var started = Stopwatch.GetTimestamp();
        var failures = 0;
        Parallel.ForEach(pages, page =>
        {
            var text = string.Empty;
            try
            {
                var result = ArticleExtractor.Shared.Extract(File.ReadAllBytes(page), contentType: null, pageUrl: null, TextOnly);
                text = result.Text;
                if (result.Outcome == ExtractionOutcome.Failed)
                {
                    Interlocked.Increment(ref failures);
                }
            }
            catch (IOException e)
            {
                Interlocked.Increment(ref failures);
                Console.Error.WriteLine($"{Path.GetFileName(page)}: {e.Message}");
            }

            File.WriteAllText(Path.Combine(outDir, Path.GetFileNameWithoutExtension(page) + ".txt"), text, utf8);
        });

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        File.WriteAllText(Path.Combine(outDir, "_timing.json"),
            FormattableString.Invariant($$"""{"seconds": {{seconds:F3}}, "pages": {{pages.Length}}, "failed": {{failures}}}"""), utf8);
        return FeedHubCommandLine.Success;
    }
}
