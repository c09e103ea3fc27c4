using System.Diagnostics;
using System.Globalization;
using System.Text;
using FeedHub.Core.Parser;
using FeedHub.Core.Readability;
using FeedHub.Core.Sanitizer;
using FeedHub.Core.Tests.Fuzzing;
using FeedHub.Tests.Support;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>sanitize FARM CORPUS [--feeds N] [--from N] [--pages N] [--rounds R] [--baseline DIR]</c>: the CPU and allocations of
/// <see cref="HtmlContentSanitizer.SanitizeWithText"/> per input, one thread, warm, on what FeedHub sanitises: the
/// farm's items (N feeds from FARM/feeds/0.xml, or from --from, their content:encoded and description, resolved against their links as ingest
/// does), whole pages of the extraction corpus (CORPUS, every *.html), and hostile input (the XSS vectors, and farm
/// items mutated as the fuzz tests mutate). Beside it, AngleSharp parsing the same input alone (the floor of any
/// sanitiser built on it) and, with <c>--baseline</c>, another build's sanitiser (DIR holds its FeedHub.Core.dll, e.g.
/// main's Release build), loaded in a context of its own and called through reflection; the three take turns at going
/// first in each round. Every output of this build is compared with the baseline's: identical markup and text, or
/// the first differences shown.
/// </summary>
public static class SanitizerBenchmark
{
    private const string PageBase = "https://corpus.example/article/";

    public static int Run(string[] args)
    {
        if (args.Length < 2 || !Directory.Exists(Path.Combine(args[0], "feeds")) || !Directory.Exists(args[1]))
        {
            Console.Error.WriteLine("usage: FeedHub.Benchmarks sanitize FARM CORPUS [--feeds N] [--from N] [--pages N] [--rounds R] [--baseline DIR]");
            return 2;
        }

        int feeds = 100, from = 0, pages = 40, rounds = 5;
        string? baselineDirectory = null;
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--feeds": feeds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--from": from = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--pages": pages = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--baseline": baselineDirectory = args[i + 1]; break;
                default: Console.Error.WriteLine($"sanitize: unknown argument {args[i]}"); return 2;
            }
        }

        var groups = new List<Group>
        {
            FarmItems(args[0], from, feeds, item => item.Content, "farm content:encoded"),
            FarmItems(args[0], from, feeds, item => item.Summary, "farm description"),
            CorpusPages(args[1], pages),
        };
        groups.Add(Hostile(groups[0]));
        groups.RemoveAll(group => group.Inputs.Count == 0);

        var current = new HtmlContentSanitizer();
        var contenders = new List<Contender>
        {
            new("parse only", (html, _) => { ParseOnly(html); return default; }),
        };
        if (baselineDirectory is not null)
        {
            contenders.Add(new Contender($"baseline", Baseline(baselineDirectory)));
        }

        contenders.Add(new Contender("this build", (html, baseUrl) =>
        {
            var safe = current.SanitizeWithText(html, baseUrl);
            return (safe.Html, safe.Text);
        }));

        Console.WriteLine(FormattableString.Invariant(
            $"sanitize: {string.Join(", ", groups.Select(g => $"{g.Inputs.Count} {g.Name}"))}; one thread, {rounds} rounds after a warm-up pass; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        if (baselineDirectory is not null)
        {
            Console.WriteLine($"baseline: {Path.GetFullPath(baselineDirectory)} (called through reflection: ~0.1 µs and ~100 B per call on its side)");
        }

        foreach (var group in groups)
        {
            foreach (var contender in contenders)
            {
                contender.Outputs[group] = contender.Pass(group); // warm-up and the outputs compared below
            }

            for (var round = 0; round < rounds; round++)
            {
                // Each takes its turn at going first: load from other processes that rises or falls falls on all alike.
                for (var turn = 0; turn < contenders.Count; turn++)
                {
                    var contender = contenders[(turn + round) % contenders.Count];
                    contender.Time(group);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"input",-22} {"items",6} {"KB/item",8}  " + string.Join("  ", contenders.Select(c => $"{c.Name + " ms/item",22} {"KB alloc",9}")));
        foreach (var group in groups)
        {
            var bytes = group.Inputs.Sum(input => (long)input.Html.Length * sizeof(char)) / 1024.0 / group.Inputs.Count;
            Console.WriteLine(FormattableString.Invariant($"{group.Name,-22} {group.Inputs.Count,6} {bytes,8:F1}  ")
                + string.Join("  ", contenders.Select(c => c.Figures(group))));
        }

        Console.WriteLine("(ms/item: median of the rounds, best in brackets; KB alloc: allocated per item; KB/item: the input's size in UTF-16)");
        Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        if (baselineDirectory is not null)
        {
            Compare(groups, contenders[1], contenders[^1]);
        }

        return 0;
    }

    private static readonly AngleSharp.Html.Parser.HtmlParser Parser = new(
        new AngleSharp.Html.Parser.HtmlParserOptions { IsScripting = true, SkipComments = true, DisableElementPositionTracking = true },
        AngleSharp.BrowsingContext.New(AngleSharp.Configuration.Default));

    /// <summary>The parse as the sanitiser makes it: from a pooled buffer (AngleSharp reads a string through a slower, writable source).</summary>
    private static void ParseOnly(string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return;
        }

        const string Prefix = "<!doctype html><html><body>";
        var source = System.Buffers.ArrayPool<char>.Shared.Rent(Prefix.Length + html.Length);
        Prefix.CopyTo(source);
        html.CopyTo(source.AsSpan(Prefix.Length));
        Parser.ParseDocument(source.AsMemory(0, Prefix.Length + html.Length)).Dispose();
        System.Buffers.ArrayPool<char>.Shared.Return(source);
    }

    private static void Compare(List<Group> groups, Contender baseline, Contender current)
    {
        Console.WriteLine();
        var shown = 0;
        foreach (var group in groups)
        {
            var (before, after) = (baseline.Outputs[group], current.Outputs[group]);
            var different = Enumerable.Range(0, group.Inputs.Count).Where(i => before[i] != after[i]).ToList();
            Console.WriteLine($"{group.Name}: {group.Inputs.Count - different.Count} of {group.Inputs.Count} outputs identical (markup and text), {different.Count} different");
            foreach (var i in different.Take(Math.Max(0, 3 - shown)))
            {
                shown++;
                Console.WriteLine($"  input:    {Excerpt(group.Inputs[i].Html, 0)}");
                var (was, now) = (before[i].Html ?? string.Empty, after[i].Html ?? string.Empty);
                var at = was.AsSpan().CommonPrefixLength(now);
                if (at < Math.Max(was.Length, now.Length))
                {
                    Console.WriteLine($"  baseline: …{Excerpt(was, at)}");
                    Console.WriteLine($"  this:     …{Excerpt(now, at)}");
                }
                else
                {
                    Console.WriteLine($"  text of baseline: {Excerpt(before[i].Text ?? "(null)", 0)}");
                    Console.WriteLine($"  text of this:     {Excerpt(after[i].Text ?? "(null)", 0)}");
                }
            }
        }
    }

    private static string Excerpt(string? text, int at)
    {
        text ??= string.Empty;
        var start = Math.Max(0, at - 60);
        return text.Substring(start, Math.Min(160, text.Length - start)).ReplaceLineEndings("⏎");
    }

    /// <summary>Another build's sanitiser, from the FeedHub.Core.dll in <paramref name="directory"/> and the libraries beside it.</summary>
    private static Func<string?, string?, (string?, string?)> Baseline(string directory)
    {
        var core = BaselineBuild.LoadCore(directory, "sanitize-baseline");
        var type = core.GetType("FeedHub.Core.Sanitizer.HtmlContentSanitizer", throwOnError: true)!;
        var instance = Activator.CreateInstance(type);
        var method = type.GetMethod(nameof(HtmlContentSanitizer.SanitizeWithText))!;
        var html = method.ReturnType.GetProperty(nameof(SanitizedHtml.Html))!;
        var text = method.ReturnType.GetProperty(nameof(SanitizedHtml.Text))!;
        return (input, baseUrl) =>
        {
            var result = method.Invoke(instance, [input, baseUrl]);
            return ((string?)html.GetValue(result), (string?)text.GetValue(result));
        };
    }

    private static Group FarmItems(string farm, int from, int feeds, Func<FeedItem, string?> part, string name)
    {
        var reader = new FeedReader();
        var inputs = new List<Input>();
        for (var feed = from; feed < from + feeds; feed++)
        {
            var path = Path.Combine(farm, "feeds", $"{feed}.xml");
            if (!File.Exists(path))
            {
                break;
            }

            var document = reader.Read(File.ReadAllBytes(path));
            inputs.AddRange(document.Items.Where(item => part(item) is not null)
                .Select(item => new Input(part(item)!, item.Link ?? document.Link)));
        }

        return new Group(name, inputs);
    }

    private static Group CorpusPages(string corpus, int pages) => new(
        "corpus pages (whole)",
        Directory.GetFiles(corpus, "*.html", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "expected.html")
            .Order(StringComparer.Ordinal)
            .Take(pages)
            .Select(path => new Input(ArticleExtractor.DecodePage(File.ReadAllBytes(path), null), PageBase))
            .ToList());

    /// <summary>The XSS vectors alone and inside a paragraph, and farm items mutated as the fuzz tests mutate documents.</summary>
    private static Group Hostile(Group farmItems)
    {
        var seeds = farmItems.Inputs.Take(200).Select(input => Encoding.UTF8.GetBytes(input.Html)).ToList();
        var vectors = XssVectors.All.Concat(XssVectors.All.Select(vector => $"<p>before</p>{vector}<p>after</p>"));
        var mutants = Enumerable.Range(0, seeds.Count == 0 ? 0 : 2000).Select(i => Encoding.UTF8.GetString(Mutator.Mutant(seeds, 15, i, 50)));
        return new Group("hostile and mutated", vectors.Concat(mutants).Select(html => new Input(html, "https://site.example/post")).ToList());
    }

    private sealed record Input(string Html, string? BaseUrl);

    private sealed record Group(string Name, List<Input> Inputs);

    private sealed class Contender(string name, Func<string?, string?, (string? Html, string? Text)> sanitize)
    {
        private readonly Dictionary<Group, List<(double Milliseconds, long Bytes)>> _rounds = [];

        public string Name => name;

        public Dictionary<Group, List<(string? Html, string? Text)>> Outputs { get; } = [];

        public List<(string? Html, string? Text)> Pass(Group group) => group.Inputs.Select(input => sanitize(input.Html, input.BaseUrl)).ToList();

        public void Time(Group group)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            foreach (var input in group.Inputs)
            {
                sanitize(input.Html, input.BaseUrl);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var list = _rounds.TryGetValue(group, out var l) ? l : _rounds[group] = [];
            list.Add((elapsed / group.Inputs.Count, (GC.GetAllocatedBytesForCurrentThread() - allocated) / group.Inputs.Count));
        }

        public string Figures(Group group)
        {
            if (!_rounds.TryGetValue(group, out var list) || list.Count == 0)
            {
                return $"{"-",22} {"-",9}";
            }

            var times = list.Select(r => r.Milliseconds).Order().ToList();
            return FormattableString.Invariant($"{$"{times[times.Count / 2]:F4} ({times[0]:F4})",22} {list.Min(r => r.Bytes) / 1024.0,9:F1}");
        }
    }
}
