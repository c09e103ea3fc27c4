using AngleSharp.Dom;
using FeedHub.Core.Charsets;
using FeedHub.Core.Sanitizer;

namespace FeedHub.Core.Readability;

/// <summary>
/// Finds the article in a web page and returns its clean text, sanitised HTML and metadata. Thread-safe: use
/// <see cref="Shared"/> (or one instance per application).
/// </summary>
public sealed class ArticleExtractor
{
    /// <summary>Beyond this (once script and style bodies are skipped), the rest of a page is ignored: articles start early.</summary>
    private const int MaxPageChars = 1024 * 1024;

    private const int FallbackPrefixChars = 128 * 1024;

    /// <summary>The page size <see cref="ExtractionOptions.TimeBudget"/> is meant for; bigger pages get up to twice as much.</summary>
    private const int BudgetUnitChars = 256 * 1024;

    [ThreadStatic]
    private static BudgetedParser? t_parser;

    private readonly HtmlContentSanitizer _sanitizer;

    public ArticleExtractor(HtmlContentSanitizer sanitizer) => _sanitizer = sanitizer;

    public static ArticleExtractor Shared { get; } = new(new HtmlContentSanitizer());

    /// <summary>Extracts from raw page bytes, decoded as <see cref="CharsetDetector.DetectPage"/> decides.</summary>
    public ExtractedArticle Extract(ReadOnlySpan<byte> page, string? contentType, Uri? pageUrl, ExtractionOptions? options = null)
    {
        // Decoded once, into a pooled buffer the page is parsed from: a page's string was a large object per page.
        using var markup = PooledMarkup.Decode(page, CharsetDetector.DetectPage(page, contentType));
        return Extract(markup, pageUrl, options);
    }

    /// <summary>The text of a page's bytes: byte order mark, HTTP charset, UTF-8, the page's meta charset, sniffing.</summary>
    public static string DecodePage(ReadOnlySpan<byte> page, string? contentType)
        => CharsetDetector.Decode(page, CharsetDetector.DetectPage(page, contentType));

    /// <summary>Extracts from a decoded page. Never throws for bad input: the outcome says what went wrong.</summary>
    public ExtractedArticle Extract(string html, Uri? pageUrl, ExtractionOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return ExtractedArticle.Failure("empty page");
        }

        using var markup = PooledMarkup.Of(string.Empty, html);
        return Extract(markup, pageUrl, options);
    }

    private ExtractedArticle Extract(PooledMarkup markup, Uri? pageUrl, ExtractionOptions? options)
    {
        options ??= ExtractionOptions.Default;
        if (markup.Span.IsWhiteSpace())
        {
            return ExtractedArticle.Failure("empty page");
        }

        try
        {
            markup.Truncate(LargePagePrefilter.Apply(markup.Span));
            markup.Truncate(MaxPageChars);
            return ExtractCore(markup.Memory, pageUrl, options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ExtractedArticle.Failure($"{e.GetType().Name}: {e.Message}");
        }
    }

    private ExtractedArticle ExtractCore(ReadOnlyMemory<char> html, Uri? pageUrl, ExtractionOptions options)
    {
        var parser = t_parser ??= new BudgetedParser();
        // Parsing is linear in the page size except on pathological nesting, so the budget grows with the size; a page
        // too complex to parse in time is retried on its beginning, where articles start.
        var budget = options.TimeBudget * Math.Clamp((double)html.Length / BudgetUnitChars, 1, 2);
        using var document = parser.Parse(html, budget * 0.7)
            ?? (html.Length > FallbackPrefixChars ? parser.Parse(html[..FallbackPrefixChars], budget * 0.3) : null);
        if (document is null)
        {
            return ExtractedArticle.Failure($"page too complex to parse within {budget.TotalMilliseconds:F0} ms");
        }

        var metadata = PageMetadata.Read(document);
        var baseUrl = SafeBaseUrl(metadata.BaseHref, pageUrl);
        if (document.Body is not { } body)
        {
            return ExtractedArticle.Failure("page has no body");
        }

        PageCleaner.Clean(body);
        var title = new TitleMatcher(metadata.Title, document.Title, options.KnownTitle);
        var article = document.CreateElement("div");
        foreach (var part in FindArticle(body, options.CssSelectorOverride, title))
        {
            article.AppendChild(part);
        }

        BoilerplatePruner.Prune(article, title);

        var text = BlockText.Render(article);
        if (metadata.StructuredBody is { } structured && TextMetrics.CountWords(text) * 2 < TextMetrics.CountWords(structured))
        {
            // The page hides most of its body from the DOM (paywalls, client-side rendering) but publishes it in JSON-LD.
            text = structured;
            article.InnerHtml = string.Concat(structured.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => "<p>" + System.Net.WebUtility.HtmlEncode(p) + "</p>"));
        }

        var words = TextMetrics.CountWords(text);
        var language = metadata.DeclaredLanguage ?? LanguageDetector.Detect(text);
        var outcome = words == 0 ? ExtractionOutcome.Failed : words < options.MinimumWords ? ExtractionOutcome.TooShort : ExtractionOutcome.Ok;
        return new ExtractedArticle
        {
            Outcome = outcome,
            FailureReason = outcome switch
            {
                ExtractionOutcome.Failed => "no article text found",
                ExtractionOutcome.TooShort => $"only {words} words",
                _ => null,
            },
            Html = options.IncludeHtml ? _sanitizer.SanitizeContent(article, baseUrl?.AbsoluteUri) : string.Empty,
            Text = text,
            Title = metadata.Title,
            Byline = metadata.Byline,
            Published = metadata.Published,
            LeadImageUrl = Absolute(metadata.LeadImage, baseUrl),
            SiteName = metadata.SiteName,
            Language = language,
            IsRightToLeft = LanguageDetector.IsRightToLeft(language)
                || string.Equals(document.DocumentElement.GetAttribute("dir"), "rtl", StringComparison.OrdinalIgnoreCase),
            WordCount = words,
            ReadingTime = TextMetrics.ReadingTime(text),
        };
    }

    private static List<IElement> FindArticle(IElement body, string? cssSelectorOverride, TitleMatcher title)
    {
        if (!string.IsNullOrWhiteSpace(cssSelectorOverride))
        {
            var chosen = body.QuerySelectorAll(cssSelectorOverride).ToList();
            // Nested matches would be taken twice.
            chosen.RemoveAll(element => chosen.Any(other => other != element && other.Contains(element)));
            if (chosen.Count > 0)
            {
                return chosen;
            }
        }

        var stats = ElementStats.Measure(body);
        if (RemoveUnlikelyBlocks(body, stats))
        {
            stats = ElementStats.Measure(body);
        }

        var parts = ContentLocator.Locate(body, stats);
        if (parts[0] == body)
        {
            return parts;
        }

        var leads = LeadFinder.Find(parts[0], body, stats, title);
        return leads.Count == 0 ? parts : [.. leads, .. parts];
    }

    /// <summary>Blocks whose class or id names them as boilerplate, unless they hold a large share of the page.</summary>
    private static bool RemoveUnlikelyBlocks(IElement body, Dictionary<IElement, ElementStats> stats)
    {
        var pageLength = stats[body].Length;
        var doomed = new List<IElement>();
        var stack = new Stack<IElement>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            if (element != body && element.LocalName is not ("article" or "main" or "a") && stats[element].Length < pageLength / 5)
            {
                var kinds = ClassVocabulary.KindsOf(element);
                // A header around a headline (an article's, a teaser's) tells the locator where headlines are; the pruner
                // removes what is left of it in the article.
                var isHeadlineHeader = kinds.HasFlag(ClassKinds.Header) && stats[element].Headings > 0;
                if (kinds.HasFlag(ClassKinds.Boilerplate) && !kinds.HasFlag(ClassKinds.ContentLike) && !isHeadlineHeader)
                {
                    doomed.Add(element);
                    continue;
                }
            }

            Dom.PushChildren(stack, element);
        }

        foreach (var element in doomed)
        {
            Dom.Remove(element);
        }

        return doomed.Count > 0;
    }

    /// <summary>
    /// The page URL, or the page's <c>&lt;base href&gt;</c> when it stays on the same host: a base pointing
    /// elsewhere (or at <c>javascript:</c>) would silently redirect every relative link of the article.
    /// </summary>
    internal static Uri? SafeBaseUrl(string? baseHref, Uri? pageUrl)
    {
        if (string.IsNullOrWhiteSpace(baseHref))
        {
            return pageUrl;
        }

        Uri? declared;
        if (pageUrl is null)
        {
            Uri.TryCreate(baseHref.Trim(), UriKind.Absolute, out declared);
        }
        else
        {
            Uri.TryCreate(pageUrl, baseHref.Trim(), out declared);
        }

        if (declared is null || declared.Scheme is not ("http" or "https"))
        {
            return pageUrl;
        }

        return pageUrl is null || string.Equals(declared.Host, pageUrl.Host, StringComparison.OrdinalIgnoreCase) ? declared : pageUrl;
    }

    private static string? Absolute(string? url, Uri? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        // On Unix "/img/a.jpg" parses as an absolute file path: only http(s) counts as absolute here.
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return absolute.AbsoluteUri;
        }

        return baseUrl is not null && Uri.TryCreate(baseUrl, url, out var resolved) && resolved.Scheme is "http" or "https"
            ? resolved.AbsoluteUri
            : null;
    }
}
