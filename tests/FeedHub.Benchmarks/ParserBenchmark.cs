using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using FeedHub.Core.Parser;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>parser DIR [ROUNDS]</c>: in-process throughput of <see cref="FeedReader"/> against the floor any parser pays for
/// the same bytes, one thread, warm. The floor of an XML document is a raw <see cref="XmlReader"/> read-through
/// (it decodes every byte, checks well-formedness and materialises every text value, with the settings of the
/// parser's own strict reader); the floor of a JSON Feed is a raw <see cref="Utf8JsonReader"/> read-through that
/// materialises every string value. A raw reader stops at the first error of a malformed document, so malformed documents
/// have no floor: the parser's throughput on them is printed on its own, and the whole-corpus ratio (which counts
/// the raw reader's early stop as its whole cost) is printed last as a lower bound.
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

        var rounds = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        var bodies = Directory.EnumerateFiles(args[0], "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "manifest.json")
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToArray();
        var wellFormed = bodies.Where(body => !IsJson(body) && ReadThroughXml(body)).ToArray();
        var json = bodies.Where(IsJson).ToArray();
        var malformed = bodies.Except(wellFormed).Except(json).ToArray();

        var reader = new FeedReader();
        void Parse(byte[] body) => reader.Read(body);
        var comparisons = new[]
        {
            new Comparison("well-formed XML", wellFormed, Parse, "raw XmlReader", body => ReadThroughXml(body)),
            new Comparison("JSON Feed", json, Parse, "raw Utf8JsonReader", ReadThroughJson),
            new Comparison("malformed (no floor)", malformed, Parse, "raw XmlReader to 1st error", body => ReadThroughXml(body)),
            new Comparison("whole corpus", bodies, Parse, "raw XmlReader", body => ReadThroughXml(body)),
        };
        foreach (var comparison in comparisons)
        {
            comparison.Pass(); // warm-up: JIT and tiering, not measured
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var comparison in comparisons)
            {
                comparison.Round();
            }
        }

        Console.WriteLine($"{bodies.Length} files, {bodies.Sum(body => (long)body.Length) / 1e6:F2} MB; one thread, warm; {rounds} rounds, each timing the parser and then its floor on the same bytes");
        Console.WriteLine($"{"documents",-22} {"files",5} {"MB",6} {"parser MB/s",11} {"floor",-27} {"floor MB/s",10} {"parser/floor: best pass",24} {"median round",12}");
        foreach (var comparison in comparisons)
        {
            comparison.Print();
        }

        Console.WriteLine();
        Console.WriteLine($"parser / raw XmlReader on well-formed XML = {comparisons[0].BestRatio:P0} (best passes; median of rounds {comparisons[0].MedianRatio:P0})");
        return 0;
    }

    /// <summary>One set of documents, the parser and a floor timed pass by pass, interleaved so that load from other processes falls on both alike.</summary>
    private sealed class Comparison(string name, byte[][] bodies, Action<byte[]> parser, string floorName, Action<byte[]> floor)
    {
        private readonly List<(double Parser, double Floor)> passes = [];
        private readonly long bytes = bodies.Sum(body => (long)body.Length);

        public double BestRatio => passes.Min(pass => pass.Floor) / passes.Min(pass => pass.Parser);

        public double MedianRatio => passes.Select(pass => pass.Floor / pass.Parser).Order().ElementAt(passes.Count / 2);

        public void Pass()
        {
            Time(parser);
            Time(floor);
        }

        public void Round() => passes.Add((Time(parser), Time(floor)));

        public void Print()
        {
            if (bodies.Length == 0)
            {
                Console.WriteLine($"{name,-22} {0,5}");
                return;
            }

            double parserBest = passes.Min(pass => pass.Parser), floorBest = passes.Min(pass => pass.Floor);
            Console.WriteLine($"{name,-22} {bodies.Length,5} {bytes / 1e6,6:F2} {bytes / 1e6 / parserBest,11:F1} {floorName,-27} {bytes / 1e6 / floorBest,10:F1} {BestRatio,24:P0} {MedianRatio,12:P0}");
        }

        private double Time(Action<byte[]> work)
        {
            var started = Stopwatch.GetTimestamp();
            foreach (var body in bodies)
            {
                work(body);
            }

            return Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 1e-9);
        }
    }

    /// <summary>The settings of the parser's strict reader (no DTD, no resolver, characters checked, comments and processing instructions skipped).</summary>
    private static readonly XmlReaderSettings RawSettings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        CheckCharacters = true,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Reads the whole document, decoding it as it declares; false when it is not well-formed.</summary>
    private static bool ReadThroughXml(byte[] body)
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

            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    private static readonly JsonReaderOptions RawJsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static void ReadThroughJson(byte[] body)
    {
        var start = body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var json = new Utf8JsonReader(body.AsSpan(start), RawJsonOptions);
        try
        {
            while (json.Read())
            {
                if (json.TokenType == JsonTokenType.String)
                {
                    _ = json.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Invalid JSON stops the raw reader, as it stops the parser.
        }
    }

    private static bool IsJson(byte[] body)
    {
        var start = body.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var first = body.AsSpan(start).TrimStart(" \t\r\n"u8);
        return !first.IsEmpty && first[0] is (byte)'{' or (byte)'[';
    }
}
