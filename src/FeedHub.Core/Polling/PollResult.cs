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

    /// <summary>
    /// The next poll time the poll started from: the time it was due at. A next poll time stored later than this and
    /// earlier than the poll's own was asked for while the poll ran (a refresh), and the save keeps it
    /// (<see cref="NextPollAtOver"/>). Null saves the poll's next poll time whatever is stored.
    /// </summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>
    /// The next poll time to store over <paramref name="stored"/>: the poll's own, unless a refresh stored an earlier
    /// one after the poll started. A time written before the poll read the source is no later than <see cref="DueAt"/>:
    /// its own due time, or an older one still stored while its previous poll's quiet save waits (<see cref="QuietPollSaves"/>).
    /// Both stores keep whole milliseconds, which only moves a stored time earlier, never past <see cref="DueAt"/>.
    /// </summary>
    public DateTimeOffset? NextPollAtOver(DateTimeOffset? stored)
        => stored > DueAt && stored < Fetch?.NextPollAt ? stored : Fetch?.NextPollAt;

    /// <summary>Whether the result is about <paramref name="source"/> as stored: polled at the address it still has.</summary>
    public bool IsAbout(Source source) => IsAbout(source.FeedUrl);

    /// <summary>Whether the result is about a source whose stored feed address is <paramref name="feedUrl"/>.</summary>
    public bool IsAbout(string feedUrl) => PolledUrl is null || PolledUrl == feedUrl;

    public void ApplyTo(Source source)
    {
        if (Fetch is not null)
        {
            var nextPollAt = NextPollAtOver(source.Fetch.NextPollAt);
            // The poll's own state is left as it is: the poller goes on reading it.
            source.Fetch = nextPollAt == Fetch.NextPollAt ? Fetch : Fetch.Copy();
            source.Fetch.NextPollAt = nextPollAt;
        }

        if (Feed is { } feed)
        {
            source.Title = feed.Title;
            source.SiteUrl = feed.SiteUrl;
            // Unless a curator named the source meanwhile.
            source.DisplayName ??= feed.ImportedName;
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

/// <summary>
/// What a feed says about itself that FeedHub keeps with its source, and the name an OPML import gave the source when
/// its first poll found the feed titled otherwise (see <see cref="SourcePoller"/>): kept as its display name.
/// </summary>
public sealed record LearnedFeed(string? Title, string? SiteUrl, string? ImportedName = null);
