using System.Text;
using FeedHub.Core.Opml;
using FeedHub.Core.Parser;
using FeedHub.Core.Readability;
using FeedHub.Core.Tests.Readability;
using FeedHub.Tests.Support;

namespace FeedHub.Core.Tests.Fuzzing;

/// <summary>
/// Bounded, seeded mutation fuzzing of the three readers of outside documents: the feed reader, the OPML reader and the
/// article extractor. Every input must come back (no hang, no exception, no internal error behind a generic message),
/// and feeds within their parse budget. A failure names the input's index: <see cref="Mutator.Mutant"/> with the same
/// seed and index gives the same bytes back. The longer run is <c>FeedHub.Benchmarks fuzz</c>.
/// </summary>
public sealed class MutationFuzzTests
{
    private const int Seed = 20_260_110;

    /// <summary>Floods and nesting up to this many repeats keep a CI run to seconds; the long run goes to 20,000 and more.</summary>
    private const int MaxRepeats = 3_000;

    [Fact]
    public void Feed_reader_survives_3000_mutants_of_the_seed_corpus()
    {
        var seeds = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz-seeds"))
            .Where(path => !path.EndsWith("README.md", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();
        var reader = new FeedReader();
        Assert.True(seeds.Count >= 250);

        var findings = Fuzz("feed reader: seeded mutants of the seed corpus", 3_000, index =>
        {
            var document = reader.Read(Mutator.Mutant(seeds, Seed, index, MaxRepeats), index % 3 == 0 ? "application/xml; charset=utf-16" : null, new Uri("https://fuzz.example/feed"));
            return document.Refused ? $"over its parse budget: {document.Error}"
                : document.Error?.StartsWith("could not read the document", StringComparison.Ordinal) == true ? document.Error
                : null;
        });

        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Opml_reader_survives_2000_mutants()
    {
        var seeds = OpmlSeeds.Select(Encoding.UTF8.GetBytes).ToList();

        var findings = Fuzz("OPML reader: seeded mutants", 2_000, index =>
        {
            using var stream = new MemoryStream(Mutator.Mutant(seeds, Seed, index, MaxRepeats));
            var document = OpmlReader.Read(stream);
            return document.Feeds.Any(feed => feed.SiteUrl is { } site && !site.StartsWith("http", StringComparison.OrdinalIgnoreCase))
                ? "a non-http htmlUrl came through"
                : null;
        });

        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Article_extractor_survives_1000_mutants()
    {
        var seeds = ExtractorSeeds.Select(Encoding.UTF8.GetBytes).ToList();
        var extractor = ArticleExtractor.Shared;

        var findings = Fuzz("article extractor: seeded mutants", 1_000, index =>
        {
            // The extractor reports its own internal errors as failures (see Embeds_without_an_idn_host_do_not_fail_extraction);
            // here nothing may escape it.
            var article = extractor.Extract(Mutator.Mutant(seeds, Seed, index, MaxRepeats), index % 4 == 0 ? "text/html; charset=utf-16" : "text/html", new Uri("https://fuzz.example/post"));
            return article.Outcome == ExtractionOutcome.Ok && string.IsNullOrWhiteSpace(article.Text) ? "an Ok outcome without text" : null;
        });

        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    /// <summary>
    /// Found by the extractor fuzzer (input 743): the page cleaner asks <c>EmbedPolicy</c> about an iframe whose host
    /// Uri accepts but has no IDN form (<c>&amp;#x0;</c> in it), and the UriFormatException failed the whole extraction.
    /// </summary>
    [Fact]
    public void Embeds_without_an_idn_host_do_not_fail_extraction()
    {
        var page = BlogPage.WithClutter(classHints: true).Replace("</h1>", "</h1><iframe src=\"https://www.youtube&#x0;.com/embed/x\"></iframe>", StringComparison.Ordinal);

        var article = ArticleExtractor.Shared.Extract(page, new Uri("https://fuzz.example/post"));

        Assert.Equal(ExtractionOutcome.Ok, article.Outcome);
    }

    /// <summary>
    /// Runs <paramref name="count"/> inputs on a thread with a large stack (deep inputs must fail softly, not by
    /// stack overflow on a small one); an exception or a finding is listed with the input's index. A run that has not
    /// finished after five minutes fails, naming the input it was on (a hang detector, not a timing check).
    /// </summary>
    private static List<string> Fuzz(string what, int count, Func<int, string?> run)
    {
        var findings = new List<string>();
        var current = -1;
        var thread = new Thread(() =>
        {
            for (var index = 0; index < count; index++)
            {
                Volatile.Write(ref current, index);
                try
                {
                    if (run(index) is { } finding)
                    {
                        findings.Add($"input {index} (Mutator.Mutant(seeds, {Seed}, {index}, {MaxRepeats})): {finding}");
                    }
                }
                catch (Exception exception)
                {
                    findings.Add($"input {index} (Mutator.Mutant(seeds, {Seed}, {index}, {MaxRepeats})): {exception.GetType().Name}: {exception.Message} {string.Join(" < ", exception.StackTrace?.Split('\n').Take(4).Select(line => line.Trim()) ?? [])}");
                }
            }
        }, 16 * 1024 * 1024) { IsBackground = true };
        thread.Start();
        var finished = thread.Join(TimeSpan.FromMinutes(5));
        SecurityTable.Row("fuzzing", what, count, finished ? count - findings.Count : Volatile.Read(ref current),
            finished ? $"{findings.Count} hangs or crashes" : $"input {Volatile.Read(ref current)} hangs");
        Assert.True(finished, $"input {Volatile.Read(ref current)} (Mutator.Mutant(seeds, {Seed}, {Volatile.Read(ref current)}, {MaxRepeats})) did not finish: it hangs");
        return findings;
    }

    private static readonly string[] OpmlSeeds =
    [
        """
        <?xml version="1.0" encoding="utf-8"?>
        <opml version="2.0"><head><title>Blogroll</title><dateCreated>Mon, 05 Jan 2026 10:00:00 GMT</dateCreated></head>
        <body>
          <outline text="Tech" title="Tech">
            <outline type="rss" text="Example" title="Example" xmlUrl="https://blog.example/feed.xml" htmlUrl="https://blog.example/"/>
            <outline type="rss" text="Other" xmlUrl="http://other.example/atom" htmlUrl="javascript:alert(1)" category="/News,Friends"/>
            <outline text="Nested"><outline type="atom" text="Deep" xmlUrl="https://deep.example/f"/></outline>
          </outline>
          <outline type="rss" text="No url"/>
          <outline type="rss" text="Bad url" xmlUrl="ftp://files.example/feed"/>
        </body></opml>
        """,
        """
        <opml version="1.0"><head><title>Old &amp; plain</title></head><body>
        <outline title="A" xmlurl="https://a.example/rss" htmlUrl="data:text/html,&lt;script&gt;"/>
        <outline title="B" url="https://b.example/rss"/>
        </body></opml>
        """,
        """
        <?xml version="1.0"?><!DOCTYPE opml><opml version="2.0"><head/><body><outline text="Ünïcödé 日本" xmlUrl="https://xn--e1afmkfd.example/feed"/></body></opml>
        """,
    ];

    private static readonly string[] ExtractorSeeds =
    [
        BlogPage.WithClutter(classHints: true),
        BlogPage.WithClutter(classHints: false),
        """
        <!DOCTYPE html><html><head><meta charset="windows-1252"><title>Short</title><base href="javascript:alert(1)//"></head>
        <body><nav><a href="/">Home</a></nav><main><article><h1>Short post</h1><p>One paragraph of text that is the article, with a
        <a href="javascript:alert(1)">link</a> and an <img src="/i.png" onerror="alert(1)"> image.</p><p>Another paragraph.</p>
        <table><tr><td>cell</td></tr></table><pre>code</pre></article></main><footer>© 2026</footer></body></html>
        """,
        """
        <html><body><div id="content"><div class="post"><p>Nested <b><i><u>markup</u></i></b> and <script>alert(1)</script>
        <iframe src="https://www.youtube.com/embed/x"></iframe><svg><script>alert(2)</script></svg></p></div></div></body></html>
        """,
    ];
}
