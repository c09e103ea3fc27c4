namespace FeedHub.Metrics;

/// <summary>What <c>/metrics</c> shows and to whom, bound from <c>FeedHub:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "FeedHub:Metrics";

    /// <summary>
    /// Also one series per source (named, with its id), read from every source at each scrape: for a planet small
    /// enough to watch each blog. Off by default: sources are counted by health state only.
    /// </summary>
    public bool PerSource { get; set; }

    /// <summary>Whether anyone may scrape; when false, a scraper sends a curator's API token as <c>Authorization: Bearer fh_…</c>.</summary>
    public bool AllowAnonymous { get; set; } = true;
}
