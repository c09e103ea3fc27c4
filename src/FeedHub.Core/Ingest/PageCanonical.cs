using System.Text;
using System.Text.RegularExpressions;

namespace FeedHub.Core.Ingest;

/// <summary>The canonical URL an article page declares (<c>&lt;link rel="canonical" href="…"&gt;</c> in its head).</summary>
public static partial class PageCanonical
{
    /// <summary>The head of a page is in its first bytes; nothing further is read.</summary>
    private const int ScannedBytes = 64 * 1024;

    /// <summary>The page's canonical URL, resolved against <paramref name="pageUrl"/>; null when it declares none (or no http(s) one).</summary>
    public static string? Find(byte[] page, Uri pageUrl)
    {
        var head = Encoding.UTF8.GetString(page, 0, Math.Min(page.Length, ScannedBytes));
        foreach (Match link in LinkTag().Matches(head))
        {
            string? rel = null, href = null;
            foreach (Match attribute in Attribute().Matches(link.Value))
            {
                var value = attribute.Groups["v1"].Success ? attribute.Groups["v1"].Value
                    : attribute.Groups["v2"].Success ? attribute.Groups["v2"].Value
                    : attribute.Groups["v3"].Value;
                if (attribute.Groups["name"].Value.Equals("rel", StringComparison.OrdinalIgnoreCase))
                {
                    rel = value;
                }
                else
                {
                    href = System.Net.WebUtility.HtmlDecode(value).Trim();
                }
            }

            if (rel is not null && href is not null
                && rel.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("canonical", StringComparer.OrdinalIgnoreCase)
                && Uri.TryCreate(pageUrl, href, out var canonical) && canonical.Scheme is "http" or "https")
            {
                return canonical.AbsoluteUri;
            }
        }

        return null;
    }

    [GeneratedRegex("<link\\s[^>]*>", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex LinkTag();

    [GeneratedRegex("(?<name>rel|href)\\s*=\\s*(\"(?<v1>[^\"]*)\"|'(?<v2>[^']*)'|(?<v3>[^\\s\"'>]+))", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Attribute();
}
