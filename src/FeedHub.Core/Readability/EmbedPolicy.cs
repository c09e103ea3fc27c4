namespace FeedHub.Core.Readability;

/// <summary>The video hosts whose players may be embedded in an article.</summary>
public static class EmbedPolicy
{
    private static readonly string[] VideoHosts =
    [
        "youtube.com", "youtube-nocookie.com", "player.vimeo.com", "dailymotion.com", "player.twitch.tv",
        "embed.ted.com", "archive.org", "peertube.tv", "w.soundcloud.com", "open.spotify.com", "bandcamp.com",
    ];

    /// <summary>True when <paramref name="src"/> is an https (or protocol-relative) URL on an allowed video host.</summary>
    public static bool IsAllowedVideo(string? src)
    {
        if (string.IsNullOrWhiteSpace(src))
        {
            return false;
        }

        var trimmed = src.Trim();
        if (trimmed.StartsWith("//", StringComparison.Ordinal))
        {
            trimmed = "https:" + trimmed;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return false;
        }

        var host = uri.IdnHost;
        return VideoHosts.Any(allowed => host == allowed || host.EndsWith("." + allowed, StringComparison.OrdinalIgnoreCase));
    }
}
