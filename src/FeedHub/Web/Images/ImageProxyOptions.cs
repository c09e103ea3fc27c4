using FeedHub.Core.Settings;

namespace FeedHub.Web.Images;

/// <summary>The image proxy's settings, bound from <c>FeedHub:Images</c>.</summary>
public sealed class ImageProxyOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Images";

    /// <summary>
    /// Whether the merged feeds' images also go through FeedHub (absolute addresses on the public address), so feed
    /// readers do not call the original sites either. Pages always do.
    /// </summary>
    public bool ProxyInFeeds { get; set; }

    /// <summary>How much memory the images fetched (and recent failures) may take, in megabytes.</summary>
    public int CacheMegabytes { get; set; } = 64;

    /// <summary>How long an image is served from memory (and browsers may keep it) before it is fetched again.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Why these settings cannot be used; null when they can.</summary>
    public string? Problem()
        => CacheMegabytes is < 1 or > 16 * 1024 ? $"{Section}:CacheMegabytes must be between 1 and 16384 (megabytes)"
            : CacheFor < TimeSpan.FromMinutes(1) || CacheFor > TimeSpan.FromDays(30) ? $"{Section}:CacheFor must be between a minute and 30 days (for example 1.00:00:00 for a day)"
            : null;
}
