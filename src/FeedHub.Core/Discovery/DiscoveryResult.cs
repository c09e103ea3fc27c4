using FeedHub.Core.Parser;

namespace FeedHub.Core.Discovery;

/// <summary>
/// What discovery found at an address (<see cref="Url"/>, as shown: without a user name and password): the feeds (best
/// first) and every address it tried, with what each was.
/// </summary>
public sealed record DiscoveryResult(Uri Url, IReadOnlyList<FeedCandidate> Feeds, IReadOnlyList<DiscoveryAttempt> Tried, string? Error)
{
    public static DiscoveryResult Failed(Uri url, IReadOnlyList<DiscoveryAttempt> tried, string error) => new(url, [], tried, error);
}

/// <summary>One feed discovery found, with enough of its content for a curator to recognise it.</summary>
/// <param name="FeedUrl">The address to subscribe to, with the user name and password discovery was given when it is on their site: shown, it goes through <see cref="Urls.FeedAddress.Shown(Uri)"/>.</param>
/// <param name="SiteUrl">The home page the feed names.</param>
/// <param name="ItemCount">How many items the feed holds now.</param>
/// <param name="Via">How it was found, in words.</param>
public sealed record FeedCandidate(
    Uri FeedUrl, string? Title, FeedFormat Format, string? SiteUrl, IReadOnlyList<FeedPreviewItem> Items, int ItemCount, string Via);

public sealed record FeedPreviewItem(string? Title, string? Link, DateTimeOffset? Published);

/// <summary>An address discovery fetched and what it turned out to be.</summary>
public sealed record DiscoveryAttempt(Uri Url, string Outcome);
