namespace FeedHub.Core.Urls;

/// <summary>
/// The links FeedHub stores and publishes are http(s) only: a <c>javascript:</c>, <c>data:</c> or <c>file:</c> link from
/// a feed or an OPML file would run or leak in the browsers and feed readers that follow it.
/// </summary>
public static class WebLinks
{
    /// <summary>What browsers strip from both ends of a URL before reading its scheme.</summary>
    private static readonly string C0ControlsAndSpace = new([.. Enumerable.Range(0, 0x21).Select(c => (char)c)]);

    /// <summary>Is this an absolute http or https URL?</summary>
    public static bool IsHttp(string? url)
        => url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    /// <summary>
    /// Does this link name a scheme other than http(s)? Relative links (no scheme) are not judged here: they are
    /// resolved against an http(s) address later. Tabs and line breaks are ignored, as browsers ignore them
    /// (<c>java&#9;script:</c> is <c>javascript:</c> to a browser).
    /// </summary>
    public static bool HasOtherScheme(string url)
    {
        var trimmed = (url.AsSpan().IndexOfAny('\t', '\n', '\r') < 0 ? url : url.Replace("\t", null, StringComparison.Ordinal)
            .Replace("\n", null, StringComparison.Ordinal).Replace("\r", null, StringComparison.Ordinal)).AsSpan().Trim(C0ControlsAndSpace);
        var colon = trimmed.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(trimmed[0]))
        {
            return false;
        }

        foreach (var c in trimmed[1..colon])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        var scheme = trimmed[..colon];
        return !scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase);
    }
}
