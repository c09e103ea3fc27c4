using AngleSharp.Css.Dom;
using Ganss.Xss;

namespace FeedHub.Core.Sanitizer;

/// <summary>
/// Turns HTML from feeds and article pages into markup that is safe to serve: an allow-list of tags and attributes,
/// no script or event handlers, no <c>javascript:</c> URLs, relative URLs made absolute. Thread-safe; one instance.
/// </summary>
public sealed class HtmlContentSanitizer
{
    private readonly HtmlSanitizer _sanitizer;

    public HtmlContentSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
                "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
                "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby",
                "s", "samp", "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
                "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "audio", "video",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "alt", "cite", "colspan", "controls", "datetime", "dir", "height", "href", "lang", "poster", "rowspan",
                "src", "srcset", "sizes", "title", "type", "width", "media", "open", "scope", "start", "reversed",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src", "cite", "poster", "srcset" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<CssRuleType>(),
        };
        _sanitizer = new HtmlSanitizer(options);
        _sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
    }

    /// <summary>Sanitises an HTML fragment; relative URLs are resolved against <paramref name="baseUrl"/>.</summary>
    public string Sanitize(string? html, string? baseUrl)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return string.Empty;
        }

        return _sanitizer.Sanitize(html, baseUrl ?? string.Empty).Trim();
    }
}
