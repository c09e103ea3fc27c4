using System.Diagnostics;
using System.Globalization;
using System.Xml;
using FeedHub.Core.Parser;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>parser DIR [ROUNDS]</c>: in-process throughput of <see cref="FeedReader"/> against a raw
/// <see cref="XmlReader"/> read-through of the same bytes (the floor any XML-based parser pays), one thread.
/// </summary>
public static class ParserBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 2 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: FeedHub.Benchmarks parser DIR [ROUNDS]");
            return 2;
        }

        var rounds = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var bodies = Directory.EnumerateFiles(args[0], "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "manifest.json")
            .Select(File.ReadAllBytes)
            .ToArray();
        var totalBytes = bodies.Sum(body => (long)body.Length);
        Console.WriteLine($"{bodies.Length} files, {totalBytes / 1e6:F2} MB, {rounds} rounds, one thread; best pass of each (the machine is shared)");

        var reader = new FeedReader();
        var items = 0L;
        var parser = new Measurement("FeedReader.Read", body => items += reader.Read(body).Items.Count);
        var raw = new Measurement("raw XmlReader read-through", ReadThrough);
        for (var round = 0; round < rounds; round++)
        {
            // Interleaved, so that load from other processes falls on both alike.
            parser.Pass(bodies);
            raw.Pass(bodies);
        }

        parser.Print(bodies.Length, totalBytes);
        raw.Print(bodies.Length, totalBytes);
        Console.WriteLine($"parser / raw XmlReader = {raw.BestSeconds / parser.BestSeconds:P0} (items read per pass: {items / rounds})");
        return 0;
    }

    private sealed class Measurement(string name, Action<byte[]> work)
    {
        public double BestSeconds { get; private set; } = double.MaxValue;

        public void Pass(byte[][] bodies)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var body in bodies)
            {
                work(body);
            }

            BestSeconds = Math.Min(BestSeconds, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        public void Print(int files, long totalBytes)
            => Console.WriteLine($"{name,-28} {totalBytes / 1e6 / BestSeconds,8:F1} MB/s {files / BestSeconds,10:F0} feeds/s ({BestSeconds * 1000:F1} ms per pass)");
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
