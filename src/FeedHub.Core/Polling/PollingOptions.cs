using FeedHub.Core.Settings;

namespace FeedHub.Core.Polling;

/// <summary>Bounds of the adaptive schedule, bound from <c>FeedHub:Polling</c>.</summary>
public sealed class PollingOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Polling";

    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan DefaultInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many permanent redirects to the same address, on consecutive polls, move a source.</summary>
    public int RedirectsBeforeMove { get; set; } = 3;

    /// <summary>New articles stored per poll of one source (the newest); the rest are stored by the next polls.</summary>
    public int MaxArticlesPerPoll { get; set; } = 1000;

    /// <summary>
    /// How often a worker puts back in the queue the article pages the store still waits for and the queue does not
    /// hold (at its start, then at this interval): a page job that failed on a store error, or a page queued again while
    /// its job ran, would otherwise wait for the next restart.
    /// </summary>
    public TimeSpan PendingPagesCheck { get; set; } = TimeSpan.FromHours(1);

    /// <summary>What makes these options unusable, naming the key to fix; null when they are fine.</summary>
    public string? Problem()
        => MinInterval <= TimeSpan.Zero ? $"{Section}:MinInterval must be positive"
        : MaxInterval < MinInterval ? $"{Section}:MaxInterval must not be shorter than MinInterval"
        : DefaultInterval <= TimeSpan.Zero ? $"{Section}:DefaultInterval must be positive (a schedule keeps it within MinInterval and MaxInterval)"
        : MaxArticlesPerPoll < 1 ? $"{Section}:MaxArticlesPerPoll must be at least 1"
        : PendingPagesCheck < TimeSpan.FromSeconds(1) ? $"{Section}:PendingPagesCheck must be at least a second"
        : null;
}
