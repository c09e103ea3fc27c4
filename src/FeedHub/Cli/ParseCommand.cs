using System.Diagnostics;
using System.Text.Json;
using FeedHub.Core.Parser;

namespace FeedHub.Cli;

/// <summary><c>feedhub parse IN_DIR OUT_DIR</c>: the neutral JSON of every feed file, no network.</summary>
public static class ParseCommand
{
    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "parse needs IN_DIR and OUT_DIR");
        }

        var (inputDirectory, outputDirectory) = (args[0], args[1]);
        if (!Directory.Exists(inputDirectory))
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, $"no such directory: {inputDirectory}");
        }

        Directory.CreateDirectory(outputDirectory);
        var reader = new FeedReader();
        var files = Directory.GetFiles(inputDirectory);
        long parseTicks = 0;
        var failures = 0;
        Parallel.ForEach(files, file =>
        {
            var output = Path.Combine(outputDirectory, Path.GetFileName(file) + ".json");
            try
            {
                var body = File.ReadAllBytes(file);
                var started = Stopwatch.GetTimestamp();
                var document = reader.Read(body);
                Interlocked.Add(ref parseTicks, Stopwatch.GetTimestamp() - started);
                File.WriteAllBytes(output, NeutralFeedJson.Write(document));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref failures);
                Console.Error.WriteLine($"feedhub: {file}: {exception.Message}");
                TryWriteError(output, exception.Message);
            }
        });

        var seconds = (double)parseTicks / Stopwatch.Frequency;
        File.WriteAllText(Path.Combine(outputDirectory, "_timing.json"), JsonSerializer.Serialize(new Dictionary<string, double> { ["parse_seconds"] = seconds }));
        return failures == 0 ? FeedHubCommandLine.Success : FeedHubCommandLine.Failure;
    }

    private static void TryWriteError(string output, string message)
    {
        try
        {
            File.WriteAllBytes(output, NeutralFeedJson.Write(new FeedDocument { Error = $"could not read the file: {message}" }));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"feedhub: {output}: {exception.Message}");
        }
    }
}
