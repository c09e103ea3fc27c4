using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using AngleSharp.Html;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using FeedHub.Core.Ingest;
using FeedHub.Core.Readability;
using Ganss.Xss;

namespace FeedHub.Core.Sanitizer;

/// <summary>
/// Turns HTML from feeds and article pages into markup that is safe to serve: an allow-list of tags and attributes,
/// no script, event handlers, forms or styles, no <c>javascript:</c> or <c>data:</c> URLs (except raster images),
/// iframes only for the video players of <see cref="EmbedPolicy"/>, relative URLs made absolute. Thread-safe; one instance.
/// </summary>
public sealed partial class HtmlContentSanitizer
{
    private static readonly HashSet<string> DroppedWithContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "template", "noscript", "noembed", "noframes", "xmp", "plaintext", "textarea", "title", "select",
        "option", "button", "form", "input", "svg", "math", "object", "embed", "applet", "frameset", "frame", "head", "base",
        "link", "meta", "canvas", "dialog",
    };

    /// <summary>
    /// Built on first use: its construction loads AngleSharp's CSS tables, which costs a few hundred milliseconds of
    /// start-up that text-only extraction never needs.
    /// </summary>
    private readonly Lazy<HtmlSanitizer> _sanitizer = new(Create);

    /// <summary>
    /// The parser the sanitiser reads with, cheaper than its default one for what is kept anyway: no CSS engine (no
    /// style attribute or element survives, so none needs parsing), comments not built (the sanitiser removes them),
    /// no source positions. Scripting stays on as in the default parser: it decides how <c>noscript</c> is read.
    /// </summary>
    private static readonly HtmlParser Parser = new(
        new HtmlParserOptions { IsScripting = true, SkipComments = true, DisableElementPositionTracking = true },
        BrowsingContext.New(Configuration.Default));

    private static HtmlSanitizer Create()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
                "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
                "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby",
                "s", "samp", "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
                "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "audio", "video", "iframe",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "alt", "cite", "colspan", "controls", "datetime", "dir", "height", "href", "lang", "poster", "rowspan",
                "src", "srcset", "sizes", "title", "type", "width", "media", "open", "scope", "start", "reversed",
                "allowfullscreen",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src", "cite", "poster" },
            UriListAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "srcset" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<CssRuleType>(),
        };
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true, HtmlParserFactory = () => Parser };
        sanitizer.RemovingTag += (_, e) =>
        {
            // Unknown containers (article, section, font…) give way to their children; these take their content along.
            if (DroppedWithContent.Contains(e.Tag.LocalName))
            {
                e.Tag.InnerHtml = string.Empty;
            }
        };
        sanitizer.FilterUrl += (_, e) =>
        {
            // An inline raster image cannot run anything; every other data: URL (HTML, SVG, script) stays out.
            if (e.SanitizedUrl is null && e.Tag.LocalName == "img" && InlineRasterImage().IsMatch(e.OriginalUrl))
            {
                e.SanitizedUrl = e.OriginalUrl;
            }
        };
        return sanitizer;
    }

    /// <summary>Sanitises an HTML fragment; relative URLs are resolved against <paramref name="baseUrl"/>.</summary>
    public string Sanitize(string? html, string? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return string.Empty;
        }

        using var document = SanitizeDom(html, baseUrl);
        return document.Body is { } body ? body.ChildNodes.ToHtml(_sanitizer.Value.OutputFormatter).Trim() : string.Empty;
    }

    /// <summary>
    /// <see cref="Sanitize"/>, and the plain text of the result as <see cref="HtmlText.Of"/> gives it (unbounded),
    /// read from the same document: every new article needs both, and parsing its HTML once instead of twice is a
    /// good part of the CPU an article costs. Text without markup (most summaries) is not parsed at all.
    /// </summary>
    public SanitizedHtml SanitizeWithText(string? html, string? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return new SanitizedHtml(string.Empty, null);
        }

        if (PlainText.TryDecode(html, out var plain))
        {
            var escaped = Escape(plain).Trim();
            return new SanitizedHtml(escaped, escaped.Length == 0 ? null : HtmlText.OfText(plain));
        }

        using var document = SanitizeDom(html, baseUrl);
        if (document.Body is not { } body)
        {
            return new SanitizedHtml(string.Empty, null);
        }

        var markup = body.ChildNodes.ToHtml(HtmlMarkupFormatter.Instance).Trim();
        return new SanitizedHtml(markup, markup.Length == 0 ? null : HtmlText.Of(body));
    }

    /// <summary>
    /// The sanitised document, with links and embeds finished here rather than in the sanitiser's post-processing
    /// hook, which first merges every text node and then raises an event for every node of the document.
    /// </summary>
    private IHtmlDocument SanitizeDom(string html, string? baseUrl)
    {
        var document = _sanitizer.Value.SanitizeDom(html, baseUrl ?? string.Empty);
        if (document.Body is { } body)
        {
            foreach (var element in body.Descendants<IElement>().Where(e => e.LocalName is "a" or "iframe").ToList())
            {
                if (element.LocalName == "a")
                {
                    element.SetAttribute("rel", "noopener noreferrer nofollow");
                }
                else if (EmbedPolicy.EmbedUrl(element.GetAttribute("src")) is not { } embed)
                {
                    element.Remove();
                }
                else
                {
                    element.SetAttribute("src", embed);
                    element.SetAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
                    element.SetAttribute("loading", "lazy");
                }
            }
        }

        return document;
    }

    /// <summary>Text as the serialiser writes a text node: the characters HTML reads as markup, and no-break spaces, as references.</summary>
    private static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny(Escaped) < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => escaped.Append("&amp;"),
                '<' => escaped.Append("&lt;"),
                '>' => escaped.Append("&gt;"),
                '\u00A0' => escaped.Append("&nbsp;"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    private static readonly SearchValues<char> Escaped = SearchValues.Create("&<>\u00A0");

    [GeneratedRegex(@"^data:image/(png|jpeg|jpg|gif|webp|avif);base64,[A-Za-z0-9+/=\s]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex InlineRasterImage();
}

/// <summary>Safe markup and its plain text (null when it has none).</summary>
public readonly record struct SanitizedHtml(string Html, string? Text);
