using System.Diagnostics;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using AngleSharp.Html.Parser.Tokens.Struct;

namespace FeedHub.Core.Readability;

/// <summary>
/// One thread's parser of whole pages, held to a time budget. The HTML tree builder is quadratic on pathological
/// nesting (tens of thousands of unclosed elements), and that cost is only bounded by stopping it. AngleSharp's
/// cancellable parse copies every token it reads (about a sixth of an extraction's time, tests/FeedHub.Benchmarks
/// <c>extraction</c>); this parse reads them in place and is stopped from its hooks instead: every element created and
/// every parse error (an end tag with nothing to close, which walks the stack of open elements and creates nothing)
/// checks the clock, every <see cref="Stride"/>th time. Not thread-safe: one per thread.
/// </summary>
internal sealed class BudgetedParser
{
    /// <summary>Elements and parse errors between two readings of the clock: a few microseconds of parsing on a normal page.</summary>
    private const int Stride = 32;

    private readonly HtmlParser _parser;
    private long _deadline;
    private int _untilClock = Stride;

    public BudgetedParser()
    {
        _parser = new HtmlParser(new HtmlParserOptions
        {
            IsScripting = false,
            // Nothing reads a comment (its node is left empty) or an element's position in the source.
            SkipComments = true,
            DisableElementPositionTracking = true,
            OnCreated = (_, _) => Tick(),
            ShouldEmitAttribute = ShouldEmitAttribute,
        });
        _parser.Error += (_, _) => Tick();
    }

    /// <summary>The document of <paramref name="html"/>, or null when it takes longer than <paramref name="budget"/> to parse.</summary>
    public IHtmlDocument? Parse(ReadOnlyMemory<char> html, TimeSpan budget)
    {
        _deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        _untilClock = Stride;
        try
        {
            return _parser.ParseDocument(html);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private void Tick()
    {
        if (--_untilClock > 0)
        {
            return;
        }

        _untilClock = Stride;
        if (Stopwatch.GetTimestamp() > _deadline)
        {
            throw new OperationCanceledException("the page took longer than its budget to parse");
        }
    }

    /// <summary>
    /// A <c>&lt;link href&gt;</c> has AngleSharp resolve the address against the document's base, parse its host (IDN
    /// included) and start its relation (a style sheet's load): work for every link in a page's head, and nothing here
    /// reads it. Its <c>rel</c> stays (a <c>rel="author"</c> link is where a page's byline is looked for first).
    /// </summary>
    private static bool ShouldEmitAttribute(ref StructHtmlToken token, ReadOnlyMemory<char> attributeName) =>
        !(attributeName.Span is "href" && token.Name.Memory.Span is "link");
}
