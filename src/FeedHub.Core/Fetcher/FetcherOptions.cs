using FeedHub.Core.Settings;

namespace FeedHub.Core.Fetcher;

/// <summary>Fetch politeness and limits, bound from <c>FeedHub:Fetcher</c>.</summary>
public sealed class FetcherOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Fetcher";

    public string UserAgent { get; set; } = "FeedHub/1.0 (+https://github.com/feedhub/feedhub; self-hosted feed aggregator)";

    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>The largest body accepted, counted after decompression.</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    public int MaxConcurrency { get; set; } = 16;

    public int MaxPerHost { get; set; } = 2;

    public int MaxRedirects { get; set; } = 5;

    /// <summary>Allow loopback, private and link-local addresses (intranets, tests). Off by default.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>What makes these options unusable, naming the key to fix; null when they are fine.</summary>
    public string? Problem()
        => string.IsNullOrWhiteSpace(UserAgent) ? $"{Section}:UserAgent must name FeedHub to the servers it reads"
        : TimeoutSeconds < 1 ? $"{Section}:TimeoutSeconds must be at least 1"
        : MaxBytes < 1024 ? $"{Section}:MaxBytes must be at least 1024 (a feed of a few items)"
        : MaxConcurrency < 1 ? $"{Section}:MaxConcurrency must be at least 1, or nothing is ever fetched"
        : MaxPerHost < 1 ? $"{Section}:MaxPerHost must be at least 1, or nothing is ever fetched"
        : MaxRedirects is < 0 or > 20 ? $"{Section}:MaxRedirects must be between 0 and 20"
        : null;
}
