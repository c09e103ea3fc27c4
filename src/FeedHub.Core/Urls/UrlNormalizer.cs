using System.Text;

namespace FeedHub.Core.Urls;

/// <summary>Normal forms of URLs: one to recognise the same feed, one to recognise the same story.</summary>
public static class UrlNormalizer
{
    private static readonly string[] TrackingPrefixes = ["utm_", "mtm_", "pk_"];

    /// <summary>Fragments blogs put on a post's link that point into the page rather than name the post (<c>#more-123</c> too).</summary>
    private static readonly string[] InPageAnchors =
        ["comments", "respond", "more", "disqus_thread", "main", "content", "top", "continue", "read-more", "readmore"];

    private static readonly HashSet<string> TrackingParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "mc_cid", "mc_eid", "yclid", "igshid", "_hsenc", "_hsmi",
        "ref_src", "ref_url", "wt_mc", "cmpid", "ncid", "sr_share", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
        "__s", "s_cid", "rss", "at_medium", "at_campaign", "guccounter", "spm",
    };

    /// <summary>
    /// The form used to recognise an already-subscribed feed: scheme and host lower-cased, default port, fragment
    /// and tracking parameters dropped. Path and the rest of the query are kept, since they often select the feed.
    /// </summary>
    public static string ForIdentity(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return url.Trim();
        }

        var builder = new StringBuilder(url.Length);
        builder.Append(uri.Scheme).Append("://").Append(HostOf(uri));
        if (!uri.IsDefaultPort)
        {
            builder.Append(':').Append(uri.Port);
        }

        builder.Append(uri.AbsolutePath);
        AppendQueryWithoutTracking(builder, uri.Query);
        return builder.ToString();
    }

    /// <summary>
    /// The host in its IDN (punycode) form, lower-cased; as written when it has none: <see cref="Uri"/> accepts hosts
    /// such as <c>⒈.example</c> whose IDN form it then refuses with an exception, and a feed must not be able to
    /// stop its own ingestion with one link.
    /// </summary>
    private static string HostOf(Uri uri)
    {
        try
        {
            return uri.IdnHost.ToLowerInvariant();
        }
        catch (UriFormatException)
        {
            return uri.Host.ToLowerInvariant();
        }
    }

    /// <summary>
    /// The form used to recognise the same story reached through several sources: also ignores the scheme,
    /// a leading <c>www.</c>, a trailing slash and <c>index.html</c>, but keeps a fragment that names a post
    /// (<c>/2017/06/26.html#a030658</c>: one page of a day holds many posts), not one that points into a page
    /// (<c>#comments</c>, <c>#more-12</c>) or carries tracking (<c>#xtor=RSS-1</c>).
    /// </summary>
    public static string? ForStory(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var host = HostOf(uri);
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        var path = uri.AbsolutePath;
        foreach (var index in (string[])["/index.html", "/index.htm", "/index.php"])
        {
            if (path.EndsWith(index, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^(index.Length - 1)];
            }
        }

        path = path.TrimEnd('/');
        var builder = new StringBuilder(url.Length);
        builder.Append(host);
        if (!uri.IsDefaultPort)
        {
            builder.Append(':').Append(uri.Port);
        }

        builder.Append(path);
        AppendQueryWithoutTracking(builder, uri.Query);
        if (IdentifiesAPost(uri.Fragment))
        {
            builder.Append(uri.Fragment);
        }

        return builder.ToString();
    }

    public static bool IsTrackingParameter(string name)
        => TrackingParameters.Contains(name)
           || TrackingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a fragment (with its <c>#</c>) tells one post of a page from the others.</summary>
    private static bool IdentifiesAPost(string fragment)
    {
        if (fragment.Length <= 1 || fragment.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }

        var name = fragment.AsSpan(1);
        var dash = name.IndexOf('-');
        var stem = dash > 0 && int.TryParse(name[(dash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? name[..dash]
            : name;
        foreach (var anchor in InPageAnchors)
        {
            if (stem.Equals(anchor, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendQueryWithoutTracking(StringBuilder builder, string query)
    {
        if (query.Length <= 1)
        {
            return;
        }

        var kept = query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !IsTrackingParameter(Uri.UnescapeDataString(pair.Split('=', 2)[0])))
            .ToList();
        if (kept.Count > 0)
        {
            builder.Append('?').AppendJoin('&', kept);
        }
    }
}
