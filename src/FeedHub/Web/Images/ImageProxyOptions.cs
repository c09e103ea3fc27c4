using System.ComponentModel.DataAnnotations;

namespace FeedHub.Web.Images;

/// <summary>The image proxy's settings, bound from <c>FeedHub:Images</c>.</summary>
public sealed class ImageProxyOptions
{
    public const string Section = "FeedHub:Images";

    /// <summary>
    /// Whether the merged feeds' images also go through FeedHub (absolute addresses on the public address), so feed
    /// readers do not call the original sites either. Pages always do.
    /// </summary>
    public bool ProxyInFeeds { get; set; }

    /// <summary>How much memory the images fetched (and recent failures) may take, in megabytes.</summary>
    [Range(1, 16 * 1024)]
    public int CacheMegabytes { get; set; } = 64;

    /// <summary>How long an image is served from memory (and browsers may keep it) before it is fetched again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromDays(1);
}
