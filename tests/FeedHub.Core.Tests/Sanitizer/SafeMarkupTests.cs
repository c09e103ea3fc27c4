using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using FeedHub.Core.Images;
using FeedHub.Core.Readability;
using FeedHub.Core.Sanitizer;
using FeedHub.Tests.Support;

namespace FeedHub.Core.Tests.Sanitizer;

/// <summary>
/// The sanitiser's output read back as a browser reads it (an HTML parser with scripting on): nothing but the allowed
/// elements and attributes, URLs only of the allowed schemes with the scheme read as a browser reads it (tabs and
/// newlines removed, control characters trimmed), inline images only as raster images, iframes only for the allowed
/// players and sandboxed. And sanitising the output again gives it back unchanged: markup that a second parse would
/// read otherwise than the first is how mutation XSS gets past sanitisers.
/// </summary>
public sealed class SafeMarkupTests
{
    private const string BaseUrl = "https://site.example/post";

    private static readonly HtmlContentSanitizer Sanitizer = new();

    private static readonly HtmlParser Browser = new(new HtmlParserOptions { IsScripting = true });

    private static readonly HashSet<string> Elements =
    [
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
        "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "source", "span",
        "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
        "wbr", "audio", "video", "iframe",
    ];

    private static readonly HashSet<string> Attributes =
    [
        "alt", "cite", "colspan", "controls", "datetime", "dir", "height", "href", "lang", "poster", "rowspan", "src", "srcset",
        "sizes", "title", "type", "width", "media", "open", "scope", "start", "reversed", "allowfullscreen", "rel", "sandbox",
        "loading",
    ];

    private static readonly string[] RasterImages = ["png", "jpeg", "jpg", "gif", "webp", "avif"];

    public static TheoryData<string> Hostile => new(XssVectors.All.Concat(XssVectors.All.Select(vector => $"<p>before</p>{vector}<p>after</p>")));

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_browser_reading_the_output_finds_only_allowed_elements_attributes_and_urls(string hostile)
    {
        var safe = Sanitizer.Sanitize(hostile, BaseUrl);

        using var document = Browser.ParseDocument("<!doctype html><html><body>" + safe);
        foreach (var element in document.Body!.Descendants<IElement>())
        {
            var name = element.LocalName;
            Assert.True(element.NamespaceUri == NamespaceNames.HtmlUri && Elements.Contains(name), $"<{name}> in {safe}");
            foreach (var attribute in element.Attributes)
            {
                Assert.True(Attributes.Contains(attribute.Name), $"{attribute.Name} on <{name}> in {safe}");
                if (attribute.Name is "href" or "src" or "cite" or "poster")
                {
                    AssertSafeUrl(name, attribute.Name, attribute.Value, safe);
                }
                else if (attribute.Name == "srcset")
                {
                    ImageUrlRewriter.RewriteSourceSet(attribute.Value, url =>
                    {
                        AssertSafeUrl(name, "srcset", url, safe);
                        return url;
                    });
                }
            }

            if (name == "iframe")
            {
                Assert.True(EmbedPolicy.IsAllowedVideo(element.GetAttribute("src")) && element.HasAttribute("sandbox"), safe);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Sanitising_the_output_again_changes_nothing(string hostile)
    {
        var safe = Sanitizer.Sanitize(hostile, BaseUrl);

        Assert.Equal(safe, Sanitizer.Sanitize(safe, BaseUrl));
    }

    /// <summary>The scheme as a browser's URL parser reads it: C0 controls and spaces trimmed, tabs and newlines removed anywhere.</summary>
    private static void AssertSafeUrl(string element, string attribute, string url, string markup)
    {
        var read = new string(url.Trim(Enumerable.Range(0, 0x21).Select(c => (char)c).ToArray()).Where(c => c is not ('\t' or '\n' or '\r')).ToArray());
        var colon = read.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 && char.IsAsciiLetter(read[0]) && read[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')
            ? read[..colon].ToLowerInvariant()
            : null;
        var safe = scheme is null or "http" or "https" or "mailto"
            || (scheme == "data" && element == "img" && attribute is "src" or "srcset"
                && RasterImages.Any(type => read.StartsWith($"data:image/{type};base64,", StringComparison.OrdinalIgnoreCase)));
        Assert.True(safe, $"{attribute}=\"{url}\" on <{element}> in {markup}");
    }
}
