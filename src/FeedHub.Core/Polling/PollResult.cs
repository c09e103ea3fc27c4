using FeedHub.Core.Model;

namespace FeedHub.Core.Polling;

/// <summary>
/// What one poll learned about its source, and only that: the poll's own columns. The store applies it to the source
/// as it is stored at that moment (<see cref="ApplyTo"/>), so what a curator changed while the source was being polled
/// (a pause, a name, categories, settings) is never undone by the end of the poll. A poll of an address the source
/// has left meanwhile (a curator moved it) saves nothing: what the old address answered says nothing of the new one.
/// </summary>
public sealed record PollResult(long SourceId)
{
    /// <summary>The feed address the poll fetched; null saves the result whatever the source's address is now.</summary>
    public string? PolledUrl { get; init; }

    /// <summary>The fetch state after the poll (validators, outcome, counters, next poll); null leaves it as stored.</summary>
    public FetchState? Fetch { get; init; }

    /// <summary>The title and home page the feed gave; null when the poll read no document.</summary>
    public LearnedFeed? Feed { get; init; }

    /// <summary>The feed's new address, after the same permanent redirect was seen on several polls in a row.</summary>
    public string? MovedTo { get; init; }

    /// <summary>The server said the feed is gone for good (410): the source is retired.</summary>
    public bool Gone { get; init; }

    /// <summary>Whether the result is about <paramref name="source"/> as stored: polled at the address it still has.</summary>
    public bool IsAbout(Source source) => PolledUrl is null || PolledUrl == source.FeedUrl;

    public void ApplyTo(Source source)
    {
        if (Fetch is not null)
        {
            source.Fetch = Fetch;
        }

        if (Feed is { } feed)
        {
            source.Title = feed.Title;
            source.SiteUrl = feed.SiteUrl;
        }

        if (MovedTo is not null)
        {
            source.FeedUrl = MovedTo;
        }

        if (Gone)
        {
            source.State = SourceState.Retired;
        }
    }
}

/// <summary>What a feed says about itself that FeedHub keeps with its source.</summary>
public sealed record LearnedFeed(string? Title, string? SiteUrl);
