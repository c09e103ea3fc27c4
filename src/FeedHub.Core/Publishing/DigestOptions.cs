using FeedHub.Core.Settings;

namespace FeedHub.Core.Publishing;

/// <summary>The daily digest's settings, bound from <c>FeedHub:Digest</c>.</summary>
public sealed class DigestOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Digest";

    /// <summary>The IANA time zone whose midnights separate the digest's days.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How many days the digest feed goes back.</summary>
    public int DaysInFeed { get; set; } = 14;

    /// <summary>The most days the digest feed may go back: a year of days.</summary>
    public const int MaxDaysInFeed = 366;

    /// <summary>What makes these options unusable, naming the key to fix; null when they are fine.</summary>
    public string? Problem()
        => !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? string.Empty, out _)
            ? $"{Section}:TimeZone '{TimeZone}' is not a time zone this machine knows; use an IANA id such as Europe/Paris, America/New_York or UTC"
        : DaysInFeed is < 1 or > MaxDaysInFeed ? $"{Section}:DaysInFeed must be between 1 and {MaxDaysInFeed}"
        : null;
}
