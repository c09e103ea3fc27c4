using FeedHub.Core.Discovery;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Curation;

public sealed partial class SourceCatalog
{
    /// <summary>
    /// Moves a source to a new feed address, keeping its id, settings, history and articles (articles of the new
    /// feed that the source has already are recognised as such). The address is checked like an add: the
    /// private-network guard, discovery when it is a site's address (several feeds: nothing changes, the curator
    /// picks one), and no other source at it. <paramref name="changes"/> are applied in the same step. What the old
    /// address answered (validators, errors, redirects) is forgotten and an active source is polled now. The checks
    /// take seconds, so the move is then applied to the source as stored at that moment: its counts and history, and
    /// what a poll or a curator saved meanwhile, stay.
    /// </summary>
    public async Task<MoveSourceResult> MoveAsync(long id, string url, SourceSettings changes, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken).ConfigureAwait(false) is not { } source)
        {
            return new MoveSourceResult(MoveSourceStatus.NotFound, null, null, $"there is no source {id}");
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address))
        {
            return new MoveSourceResult(MoveSourceStatus.Refused, source, null, $"'{url}' is not an absolute address; give it with http:// or https://");
        }

        // A move takes a duplicate off the address it shares with its original (and may resume it).
        source.DuplicateOf = null;
        if (changes.Problem(source, polling.Value) is { } invalid)
        {
            return new MoveSourceResult(MoveSourceStatus.Refused, source, null, invalid);
        }

        var (feed, found, stop) = await FindFeedAsync(address, moving: id, cancellationToken).ConfigureAwait(false);
        switch (stop?.Status)
        {
            case null:
                break;
            case AddSourceStatus.AlreadySubscribed:
                return AlreadySubscribed(stop.Source!, stop.Discovery);
            case AddSourceStatus.ChooseFeed:
                return new MoveSourceResult(MoveSourceStatus.ChooseFeed, source, stop.Discovery, stop.Error);
            default:
                return new MoveSourceResult(MoveSourceStatus.Refused, source, stop.Discovery, stop.Error);
        }

        var now = timeProvider.GetUtcNow();
        var (problem, wasActive) = ((string?)null, false);
        Source? moved;
        try
        {
            moved = await store.ChangeSourceAsync(id, stored => Move(stored, feed!, changes, now, out problem, out wasActive), cancellationToken).ConfigureAwait(false);
        }
        catch (FeedAddressTakenException taken)
        {
            // Another source was added or moved to the address while its feed was being checked.
            return AlreadySubscribed(taken.Holder, found);
        }

        if (moved is null)
        {
            return new MoveSourceResult(MoveSourceStatus.NotFound, null, found, $"there is no source {id}");
        }

        if (problem is not null)
        {
            return new MoveSourceResult(MoveSourceStatus.Refused, moved, found, problem);
        }

        if (wasActive || moved.State == SourceState.Active)
        {
            // Polled now at its new address, as the store holds it when the queue is written: a pause stored meanwhile
            // wins, and then nothing is queued (PollQueueFollowing).
            await scheduler.FollowStoreAsync(store, id, now, cancellationToken).ConfigureAwait(false);
        }

        return new MoveSourceResult(MoveSourceStatus.Moved, moved, found, null);
    }

    private static MoveSourceResult AlreadySubscribed(Source holder, DiscoveryResult? found)
        => new(MoveSourceStatus.AlreadySubscribed, holder, found,
            $"{FeedAddress.Shown(holder.FeedUrl)} is subscribed already as source {holder.Id} ({holder.Name}); remove one of the two first");

    /// <summary>The move, applied to the source as stored; false (with the problem) when its settings no longer fit it.</summary>
    private bool Move(Source stored, FeedCandidate feed, SourceSettings changes, DateTimeOffset now, out string? problem, out bool wasActive)
    {
        wasActive = stored.State == SourceState.Active;
        stored.DuplicateOf = null;
        // Checked again: the intervals are checked against the source's own, which may have changed meanwhile.
        if ((problem = changes.Problem(stored, polling.Value)) is not null)
        {
            return false;
        }

        changes.ApplyTo(stored);
        if (feed.FeedUrl.AbsoluteUri != stored.FeedUrl)
        {
            // The same address with another user name and password (or none) is not a move: the feed is the same.
            var (previous, next) = (FeedAddress.Shown(stored.FeedUrl), FeedAddress.Shown(feed.FeedUrl.AbsoluteUri));
            stored.FeedUrl = feed.FeedUrl.AbsoluteUri;
            stored.Title = feed.Title ?? stored.Title;
            stored.SiteUrl = feed.SiteUrl ?? stored.SiteUrl;
            // What the old address answered (validators, redirects, errors, the interval asked) says nothing of the new one.
            var fetch = stored.Fetch;
            (fetch.ETag, fetch.LastModified, fetch.LastStatusCode, fetch.ParseWarning) = (null, null, null, null);
            (fetch.LastError, fetch.LastErrorKind, fetch.LastErrorAt, fetch.ConsecutiveFailures) = (null, null, null, 0);
            (fetch.PendingRedirectUrl, fetch.PendingRedirectCount, fetch.PublisherInterval) = (null, 0, null);
            if (next != previous)
            {
                (fetch.MovedFrom, fetch.MovedAt) = (previous, now);
            }
        }

        if (stored.State == SourceState.Active)
        {
            stored.Fetch.NextPollAt = now;
        }

        return true;
    }
}

/// <summary>
/// The outcome of a move. <see cref="Source"/> is the moved source, or for <see cref="MoveSourceStatus.AlreadySubscribed"/>
/// the other source already at that address.
/// </summary>
public sealed record MoveSourceResult(MoveSourceStatus Status, Source? Source, DiscoveryResult? Discovery, string? Error);

public enum MoveSourceStatus
{
    Moved,
    NotFound,
    AlreadySubscribed,

    /// <summary>The address offers several feeds: nothing changed, the curator picks one.</summary>
    ChooseFeed,
    Refused,
}
