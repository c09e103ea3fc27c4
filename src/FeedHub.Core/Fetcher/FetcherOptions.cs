namespace FeedHub.Core.Fetcher;

/// <summary>Fetch politeness and limits, bound from <c>FeedHub:Fetcher</c>.</summary>
public sealed class FetcherOptions
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
}
