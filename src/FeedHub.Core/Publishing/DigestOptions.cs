namespace FeedHub.Core.Publishing;

/// <summary>The daily digest's settings, bound from <c>FeedHub:Digest</c>.</summary>
public sealed class DigestOptions
{
    public const string Section = "FeedHub:Digest";

    /// <summary>The IANA time zone whose midnights separate the digest's days.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How many days the digest feed goes back.</summary>
    public int DaysInFeed { get; set; } = 14;
}
