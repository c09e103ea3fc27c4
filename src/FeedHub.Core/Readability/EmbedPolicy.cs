namespace FeedHub.Core.Readability;

/// <summary>
/// The video hosts whose players may be embedded in an article: the one list the sanitiser and the extractor keep
/// iframes by, and the pages' Content-Security-Policy lets frames load from (<see cref="FrameSources"/>).
/// </summary>
public static class EmbedPolicy
{
    private static readonly string[] VideoHosts =
    [
        "youtube.com", "youtube-nocookie.com", "player.vimeo.com", "dailymotion.com", "player.twitch.tv",
        "embed.ted.com", "archive.org", "peertube.tv", "w.soundcloud.com", "open.spotify.com", "bandcamp.com",
    ];

    /// <summary>The CSP <c>frame-src</c> sources of the allowed hosts: each host and its subdomains, over https.</summary>
    public static string FrameSources { get; } = string.Join(' ', VideoHosts.SelectMany(host => new[] { $"https://{host}", $"https://*.{host}" }));

    /// <summary>True when <paramref name="src"/> is an http(s) (or protocol-relative) URL on an allowed video host.</summary>
    public static bool IsAllowedVideo(string? src) => EmbedUrl(src) is not null;

    /// <summary>
    /// The address an allowed embed is served from, always https (the only scheme <see cref="FrameSources"/> lets
    /// load); null when <paramref name="src"/> is not on an allowed host. A host that <see cref="Uri"/> parses but has
    /// no IDN form (a NUL from <c>&amp;#x0;</c> in a feed) is no video either.
    /// </summary>
    public static string? EmbedUrl(string? src)
    {
        if (string.IsNullOrWhiteSpace(src))
        {
            return null;
        }

        var trimmed = src.Trim();
        if (trimmed.StartsWith("//", StringComparison.Ordinal))
        {
            trimmed = "https:" + trimmed;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return null;
        }

        string host;
        try
        {
            host = uri.IdnHost;
        }
        catch (UriFormatException)
        {
            return null;
        }

        if (!VideoHosts.Any(allowed => host.Equals(allowed, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + allowed, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri.AbsoluteUri;
    }
}
