using System.Diagnostics;
using System.Globalization;
using System.Xml;
using FeedHub.Core.Parser;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>parser DIR [SECONDS]</c>: in-process throughput of <see cref="FeedReader"/> against a raw
/// <see cref="XmlReader"/> read-through of the same bytes (the floor any XML-based parser pays), one thread.
/// </summary>
public static class ParserBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 2 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: FeedHub.Benchmarks parser DIR [SECONDS]");
            return 2;
        }

        var seconds = args.Length == 2 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var bodies = Directory.EnumerateFiles(args[0], "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "manifest.json")
            .Select(File.ReadAllBytes)
            .ToArray();
        var totalBytes = bodies.Sum(body => (long)body.Length);
        Console.WriteLine($"{bodies.Length} files, {totalBytes / 1e6:F2} MB, {seconds:F0} s per measurement");

        var reader = new FeedReader();
        var items = 0L;
        var parser = Measure("FeedReader.Read", bodies, totalBytes, seconds, body => items += reader.Read(body).Items.Count);
        var raw = Measure("raw XmlReader read-through", bodies, totalBytes, seconds, ReadThrough);
        Console.WriteLine($"parser / raw XmlReader = {parser / raw:P0} (items seen: {items})");
        return 0;
    }

    /// <summary>Runs <paramref name="work"/> over every body until the time is up; prints and returns MB/s.</summary>
    private static double Measure(string name, byte[][] bodies, long totalBytes, double seconds, Action<byte[]> work)
    {
        foreach (var body in bodies)
        {
            work(body);
        }

        var passes = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            foreach (var body in bodies)
            {
                work(body);
            }

            passes++;
        }

        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var megabytesPerSecond = totalBytes * passes / 1e6 / elapsed;
        var feedsPerSecond = bodies.Length * passes / elapsed;
        Console.WriteLine($"{name,-28} {megabytesPerSecond,8:F1} MB/s {feedsPerSecond,10:F0} feeds/s ({passes} passes)");
        return megabytesPerSecond;
    }

    private static readonly XmlReaderSettings RawSettings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        CheckCharacters = false,
    };

    private static void ReadThrough(byte[] body)
    {
        try
        {
            using var xml = XmlReader.Create(new MemoryStream(body), RawSettings);
            while (xml.Read())
            {
                if (xml.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
                {
                    _ = xml.Value;
                }
            }
        }
        catch (XmlException)
        {
            // Malformed documents stop the raw reader early; it still read what it could, as the parser does.
        }
    }
}
