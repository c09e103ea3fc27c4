using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using AngleSharp.Html.Parser;
using FeedHub.Core.Charsets;
using FeedHub.Core.Readability;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>extraction DIR [--rounds R] [--text-only] [--baseline DIR]</c>: extracts every DIR/**/*.html (expected.html
/// excepted) on one thread from the page's bytes, as the full-text fetcher does (text and sanitised HTML; text alone, as
/// <c>feedhub extract</c> does, with <c>--text-only</c>), and prints per corpus (DIR's first-level folders) the
/// milliseconds and KB allocated per page, mean and p99, beside AngleSharp's parse alone of the same pages (decoded as
/// the extractor decodes them) and, with <c>--baseline</c>, another build's extractor (DIR holds its FeedHub.Core.dll,
/// e.g. main's Release build) loaded in a context of its own. After a warm-up pass they take turns at going first in
/// each round; a page's time is its median over the rounds, its allocation the least. Every result of this build (text,
/// HTML, metadata, outcome) is compared with the baseline's: identical, or the first differences shown.
/// </summary>
public static class ExtractionBenchmark
{
    private const string PageBase = "https://corpus.example/";

    public static int Run(string[] args)
    {
        if (args.Length < 1 || !Directory.Exists(args[0]))
        {
            return Usage();
        }

        var rounds = 3;
        var textOnly = false;
        string? baselineDirectory = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds" when i + 1 < args.Length: rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--baseline" when i + 1 < args.Length: baselineDirectory = args[++i]; break;
                case "--text-only": textOnly = true; break;
                default: return Usage();
            }
        }

        var pages = Directory.GetFiles(args[0], "*.html", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "expected.html")
            .Order(StringComparer.Ordinal)
            .Select((path, index) => Page.Read(index, args[0], path))
            .ToList();
        var corpora = pages.GroupBy(page => page.Corpus).Select(group => (Name: group.Key, Pages: group.Select(page => page.Index).ToList())).ToList();
        if (corpora.Count > 1)
        {
            corpora.Add(("all", pages.Select(page => page.Index).ToList()));
        }

        var options = new ExtractionOptions { IncludeHtml = !textOnly };
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        var contenders = new List<Contender>
        {
            new("parse only", page => { parser.ParseDocument(CharsetDetector.Decode(page.Bytes, CharsetDetector.DetectPage(page.Bytes))).Dispose(); return null; }),
        };
        if (baselineDirectory is not null)
        {
            contenders.Add(new Contender("baseline", Baseline(baselineDirectory, textOnly)));
        }

        contenders.Add(new Contender("this build", page => ArticleExtractor.Shared.Extract(page.Bytes, null, page.Url, options)));

        Console.WriteLine(FormattableString.Invariant(
            $"extraction ({(textOnly ? "text" : "text and HTML")}): {pages.Count} pages, {pages.Sum(p => p.Bytes.Length) / 1024} KiB; one thread, {rounds} rounds after a warm-up pass; load average {LoadAverage()}"));
        if (baselineDirectory is not null)
        {
            Console.WriteLine($"baseline: {Path.GetFullPath(baselineDirectory)}");
        }

        foreach (var contender in contenders)
        {
            contender.WarmUp(pages);
        }

        for (var round = 0; round < rounds; round++)
        {
            // Each takes its turn at going first: load from other processes that rises or falls falls on all alike.
            for (var turn = 0; turn < contenders.Count; turn++)
            {
                contenders[(turn + round) % contenders.Count].Time(pages);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"corpus",-16} {"pages",5}  " + string.Join("  ", contenders.Select(c => $"{c.Name,-12} {"ms mean",7} {"p99",7} {"KB mean",8} {"p99",7}")));
        foreach (var (name, indexes) in corpora)
        {
            Console.WriteLine($"{name,-16} {indexes.Count,5}  " + string.Join("  ", contenders.Select(c => $"{string.Empty,-12} {c.Figures(indexes)}")));
        }

        Console.WriteLine($"load average at the end: {LoadAverage()}");
        if (baselineDirectory is not null)
        {
            Compare(pages, contenders[1], contenders[^1]);
        }

        return 0;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: FeedHub.Benchmarks extraction DIR [--rounds R] [--text-only] [--baseline DIR]");
        return 2;
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    /// <summary>
    /// Another build's <c>ArticleExtractor.Shared.Extract(bytes, null, url, options)</c>. It takes the page as a span, which
    /// reflection cannot pass: a method of a few instructions calls it.
    /// </summary>
    private static Func<Page, object?> Baseline(string directory, bool textOnly)
    {
        var core = BaselineBuild.LoadCore(directory, "extraction-baseline");
        var extractorType = core.GetType("FeedHub.Core.Readability.ArticleExtractor", throwOnError: true)!;
        var optionsType = core.GetType("FeedHub.Core.Readability.ExtractionOptions", throwOnError: true)!;
        var extractor = extractorType.GetProperty(nameof(ArticleExtractor.Shared))!.GetValue(null)!;
        var options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty(nameof(ExtractionOptions.IncludeHtml))!.SetValue(options, !textOnly);
        var extract = extractorType.GetMethod(nameof(ArticleExtractor.Extract), [typeof(ReadOnlySpan<byte>), typeof(string), typeof(Uri), optionsType])!;

        var call = new DynamicMethod("ExtractWithBaseline", typeof(object), [typeof(object), typeof(byte[]), typeof(Uri), typeof(object)], typeof(ExtractionBenchmark).Module, skipVisibility: true);
        var il = call.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Castclass, extractorType);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Newobj, typeof(ReadOnlySpan<byte>).GetConstructor([typeof(byte[])])!);
        il.Emit(OpCodes.Ldnull);
        il.Emit(OpCodes.Ldarg_2);
        il.Emit(OpCodes.Ldarg_3);
        il.Emit(OpCodes.Castclass, optionsType);
        il.Emit(OpCodes.Callvirt, extract);
        il.Emit(OpCodes.Ret);
        var invoke = call.CreateDelegate<Func<object, byte[], Uri, object, object>>();
        return page => invoke(extractor, page.Bytes, page.Url, options);
    }

    /// <summary>Every public property of an extraction result, by name: the same for this build's type and the baseline's.</summary>
    private static List<(string Name, string? Value)> Describe(object result) =>
        result.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(property => property.Name, StringComparer.Ordinal)
            .Select(property => (property.Name, Convert.ToString(property.GetValue(result), CultureInfo.InvariantCulture)))
            .ToList();

    private static void Compare(List<Page> pages, Contender baseline, Contender current)
    {
        Console.WriteLine();
        var different = pages.Where(page => !Describe(baseline.Outputs[page.Index]!).SequenceEqual(Describe(current.Outputs[page.Index]!))).ToList();
        Console.WriteLine($"{pages.Count - different.Count} of {pages.Count} results identical (text, HTML, metadata, outcome), {different.Count} different");
        foreach (var page in different.Take(5))
        {
            foreach (var ((name, was), (_, now)) in Describe(baseline.Outputs[page.Index]!).Zip(Describe(current.Outputs[page.Index]!)).Where(pair => pair.First != pair.Second))
            {
                var at = (was ?? string.Empty).AsSpan().CommonPrefixLength(now);
                Console.WriteLine($"  {page.Name} {name}:");
                Console.WriteLine($"    baseline: …{Excerpt(was, at)}");
                Console.WriteLine($"    this:     …{Excerpt(now, at)}");
            }
        }
    }

    private static string Excerpt(string? text, int at)
    {
        text ??= "(null)";
        var start = Math.Clamp(at - 60, 0, text.Length);
        return text.Substring(start, Math.Min(160, text.Length - start)).ReplaceLineEndings("⏎");
    }

    private sealed record Page(int Index, string Corpus, string Name, byte[] Bytes, Uri Url)
    {
        public static Page Read(int index, string root, string path)
        {
            var name = Path.GetRelativePath(root, path).Replace('\\', '/');
            var corpus = name.Contains('/', StringComparison.Ordinal) ? name[..name.IndexOf('/', StringComparison.Ordinal)] : ".";
            return new Page(index, corpus, name, File.ReadAllBytes(path), new Uri(PageBase + name));
        }
    }

    private sealed class Contender(string name, Func<Page, object?> extract)
    {
        private readonly List<(double Milliseconds, long Bytes)[]> _rounds = [];

        public string Name => name;

        public object?[] Outputs { get; private set; } = [];

        public void WarmUp(List<Page> pages) => Outputs = pages.Select(extract).ToArray();

        public void Time(List<Page> pages)
        {
            var figures = new (double, long)[pages.Count];
            foreach (var page in pages)
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var started = Stopwatch.GetTimestamp();
                extract(page);
                figures[page.Index] = (Stopwatch.GetElapsedTime(started).TotalMilliseconds, GC.GetAllocatedBytesForCurrentThread() - allocated);
            }

            _rounds.Add(figures);
        }

        public string Figures(List<int> pages)
        {
            var milliseconds = pages.Select(page => _rounds.Select(round => round[page].Milliseconds).Order().ElementAt(_rounds.Count / 2)).Order().ToList();
            var kilobytes = pages.Select(page => _rounds.Min(round => round[page].Bytes) / 1024.0).Order().ToList();
            return FormattableString.Invariant($"{milliseconds.Average(),7:F2} {P99(milliseconds),7:F2} {kilobytes.Average(),8:F0} {P99(kilobytes),7:F0}");
        }

        private static double P99(List<double> sorted) => sorted[Math.Max(0, (int)Math.Ceiling(sorted.Count * 0.99) - 1)];
    }
}
