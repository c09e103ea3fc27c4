namespace FeedHub.Core.Polling;

/// <summary>Bounds of the adaptive schedule, bound from <c>FeedHub:Polling</c>.</summary>
public sealed class PollingOptions
{
    public const string Section = "FeedHub:Polling";

    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan DefaultInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many permanent redirects to the same address, on consecutive polls, move a source.</summary>
    public int RedirectsBeforeMove { get; set; } = 3;

    /// <summary>New articles stored per poll of one source (the newest); the rest are stored by the next polls.</summary>
    public int MaxArticlesPerPoll { get; set; } = 1000;
}
