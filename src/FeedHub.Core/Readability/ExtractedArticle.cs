namespace FeedHub.Core.Readability;

/// <summary>What became of one extraction; stored per article for the curator's health view.</summary>
public enum ExtractionOutcome
{
    Ok,

    /// <summary>Something was found, but too little to be the article (a teaser, a paywall, a video page).</summary>
    TooShort,

    Failed,
}

/// <summary>The article found in a page, with its metadata.</summary>
public sealed record ExtractedArticle
{
    public required ExtractionOutcome Outcome { get; init; }

    /// <summary>Why the outcome is not <see cref="ExtractionOutcome.Ok"/>; null when it is.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Sanitised HTML of the article body (empty when <see cref="ExtractionOptions.IncludeHtml"/> is off).</summary>
    public string Html { get; init; } = string.Empty;

    /// <summary>Plain text of the article body; blocks are separated by a blank line.</summary>
    public string Text { get; init; } = string.Empty;

    public string? Title { get; init; }

    public string? Byline { get; init; }

    public DateTimeOffset? Published { get; init; }

    public string? LeadImageUrl { get; init; }

    public string? SiteName { get; init; }

    /// <summary>BCP 47 language tag (e.g. <c>fr</c>, <c>ja</c>, <c>pt-BR</c>), declared or detected.</summary>
    public string? Language { get; init; }

    /// <summary>True for Arabic, Hebrew, Persian, Urdu…: the article should be shown with <c>dir="rtl"</c>.</summary>
    public bool IsRightToLeft { get; init; }

    /// <summary>Words, counting each CJK character as one word.</summary>
    public int WordCount { get; init; }

    public TimeSpan ReadingTime { get; init; }

    public static ExtractedArticle Failure(string reason) => new() { Outcome = ExtractionOutcome.Failed, FailureReason = reason };
}

/// <summary>Per-call settings of <see cref="ArticleExtractor"/>.</summary>
public sealed record ExtractionOptions
{
    public static readonly ExtractionOptions Default = new();

    /// <summary>A CSS selector a curator set for a site the heuristics get wrong; its matches are the article.</summary>
    public string? CssSelectorOverride { get; init; }

    /// <summary>
    /// The article's title as its feed gives it, when known: the page's heading that repeats it is left out of the text
    /// like one repeating the page's own title, which a page without metadata may not give in a recognisable form.
    /// </summary>
    public string? KnownTitle { get; init; }

    /// <summary>Produce sanitised HTML besides the text. Off for text-only work such as <c>feedhub extract</c>.</summary>
    public bool IncludeHtml { get; init; } = true;

    /// <summary>
    /// The wall-clock time a page of up to 256 KB may take to parse (bigger pages get up to twice as much): past 70% of
    /// it the page's beginning is parsed instead, and a page that cannot be parsed at all in time fails as too complex.
    /// Normal pages parse in tens of milliseconds; the default leaves room for a heavily loaded machine, so that only
    /// pathological markup (tens of thousands of nested elements) ever reaches it. Everything after parsing is linear.
    /// </summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(2.5);

    /// <summary>Fewer words than this is <see cref="ExtractionOutcome.TooShort"/>.</summary>
    public int MinimumWords { get; init; } = 60;
}
