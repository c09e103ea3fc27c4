using FeedHub.Core.Discovery;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Model;
using FeedHub.Core.Opml;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Curation;

/// <summary>
/// Curator work on sources, the one place the command line, the API and the admin pages go through: add (by feed or
/// site address, through discovery), move to a new address, change settings, pause and resume, refresh, remove,
/// import (as a batch that can be undone). Every way in gets the same private-network check; every refusal leaves the
/// store as it was.
/// </summary>
public sealed partial class SourceCatalog(
    IFeedStore store,
    FeedFetcher fetcher,
    FeedDiscovery discovery,
    IPollScheduler scheduler,
    IOptions<PollingOptions> polling,
    IOptions<FetcherOptions> fetcherOptions,
    TimeProvider timeProvider)
{
    /// <summary>
    /// Subscribes to the feed at <paramref name="url"/>, or to the one feed discovery finds there. When discovery finds
    /// several, nothing is stored and the candidates are returned for the curator to pick one (and add its address).
    /// The new source is due at once: whichever worker is free polls it within seconds. Of several adds of one feed at
    /// once (two curators, a form sent twice, two nodes), one adds it and the others are told it is already subscribed.
    /// </summary>
    public async Task<AddSourceResult> AddAsync(string url, SourceSettings settings, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address))
        {
            return AddSourceResult.Refused($"'{url}' is not an absolute address; give it with http:// or https://");
        }

        var draft = new Source { FeedUrl = address.AbsoluteUri };
        if (settings.Problem(draft, polling.Value) is { } invalid)
        {
            return AddSourceResult.Refused(invalid);
        }

        var (feed, found, stop) = await FindFeedAsync(address, moving: null, cancellationToken).ConfigureAwait(false);
        if (stop is not null)
        {
            return stop;
        }

        var source = NewSource(feed!.FeedUrl.AbsoluteUri, feed.Title, feed.SiteUrl, []);
        settings.ApplyTo(source);
        // The checks above took seconds: an add of the same feed may have been stored meanwhile, and the store says so.
        var stored = await store.AddSourceAsync(source, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(stored, source))
        {
            return AddSourceResult.Duplicate(stored);
        }

        await scheduler.ScheduleAsync(source.Id, source.Fetch.NextPollAt!.Value, cancellationToken).ConfigureAwait(false);
        return AddSourceResult.Added(source, found!);
    }

    /// <summary>
    /// Changes a source's settings; pausing stops its polls and resuming polls it now. The settings are checked and
    /// applied on the source as stored at that moment, so what a poll saved meanwhile (validators, failures, next
    /// poll) stays, and so does another curator's change of other settings.
    /// </summary>
    public Task<UpdateSourceResult> UpdateAsync(long id, SourceSettings changes, CancellationToken cancellationToken)
        => ChangeAsync(id, _ => changes, cancellationToken);

    /// <summary>Polls an active source as soon as possible: of its fetch state, only the next poll changes.</summary>
    public async Task<UpdateSourceResult> RefreshAsync(long id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        string? problem = null;
        var source = await store.ChangeSourceAsync(id, stored =>
        {
            if (stored.State != SourceState.Active)
            {
                problem = $"source {id} is {stored.State.ToString().ToLowerInvariant()}; resume it before refreshing";
                return false;
            }

            stored.Fetch.NextPollAt = now;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (source is null || problem is not null)
        {
            return source is null ? UpdateSourceResult.NotFound(id) : new UpdateSourceResult(source, problem);
        }

        // Queued at once as stored now: a pause stored meanwhile wins, and then nothing is queued.
        await scheduler.FollowStoreAsync(store, id, now, cancellationToken).ConfigureAwait(false);
        return new UpdateSourceResult(source, null);
    }

    /// <summary>Unsubscribes, keeping the source's articles in the river when asked. False if there was no such source.</summary>
    public async Task<bool> RemoveAsync(long id, bool keepArticles, CancellationToken cancellationToken)
    {
        if (!await store.RemoveSourceAsync(id, keepArticles, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // Unqueued, and so is what a resume or a refresh racing the removal queues, as it finds the source gone.
        await scheduler.FollowStoreAsync(store, id, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The checks of an add (and of a move): the private-network guard, discovery when the address is a site's, and
    /// no other source at the feed's address (<paramref name="moving"/>, the source being moved, may be there).
    /// Either the one feed found, or the result to answer with.
    /// </summary>
    private async Task<(FeedCandidate? Feed, DiscoveryResult? Found, AddSourceResult? Stop)> FindFeedAsync(Uri address, long? moving, CancellationToken cancellationToken)
    {
        if (await fetcher.CheckUrlAsync(address, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return (null, null, AddSourceResult.Refused(refused));
        }

        if (await store.FindSourceByFeedUrlAsync(address.AbsoluteUri, cancellationToken).ConfigureAwait(false) is { } subscribed && subscribed.Id != moving)
        {
            return (null, null, AddSourceResult.Duplicate(subscribed));
        }

        var found = await discovery.DiscoverAsync(address, cancellationToken).ConfigureAwait(false);
        if (found.Error is { } error)
        {
            return (null, found, AddSourceResult.Refused(error, found));
        }

        if (found.Feeds.Count > 1)
        {
            return (null, found, AddSourceResult.Choose(found));
        }

        var feed = found.Feeds[0];
        if (await store.FindSourceByFeedUrlAsync(feed.FeedUrl.AbsoluteUri, cancellationToken).ConfigureAwait(false) is { } existing && existing.Id != moving)
        {
            return (null, found, AddSourceResult.Duplicate(existing));
        }

        return (feed, found, null);
    }

    /// <summary>
    /// Applies the settings <paramref name="changesOf"/> gives for the source as stored now (a bulk change of categories
    /// adds to or takes from the categories it has at that moment), in one atomic change of the store, then, when it was
    /// resumed or paused, queues or unqueues its polls as the store holds it then (<see cref="PollQueueFollowing"/>).
    /// </summary>
    private async Task<UpdateSourceResult> ChangeAsync(long id, Func<Source, SourceSettings> changesOf, CancellationToken cancellationToken)
    {
        var (problem, wasActive) = ((string?)null, false);
        Source? source;
        try
        {
            source = await store.ChangeSourceAsync(id, stored =>
            {
                var changes = changesOf(stored);
                if ((problem = changes.Problem(stored, polling.Value)) is not null)
                {
                    return false;
                }

                wasActive = stored.State == SourceState.Active;
                changes.ApplyTo(stored);
                if (!wasActive && stored.State == SourceState.Active)
                {
                    // A duplicate resumed takes its address back (SourceAddress.IdentityOf), which the store checks
                    // and writes in this same step: refused while another source is there.
                    stored.DuplicateOf = null;
                    stored.Fetch.NextPollAt = timeProvider.GetUtcNow();
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (FeedAddressTakenException taken)
        {
            return await store.GetSourceAsync(id, cancellationToken).ConfigureAwait(false) is { } duplicate
                ? new UpdateSourceResult(duplicate, $"source {id} is a duplicate: {FeedAddress.Shown(taken.Holder.FeedUrl)} is held by source {taken.Holder.Id} ({taken.Holder.Name}); remove one of the two, or move this one to another feed")
                : UpdateSourceResult.NotFound(id);
        }

        if (source is null || problem is not null)
        {
            return source is null ? UpdateSourceResult.NotFound(id) : new UpdateSourceResult(source, problem);
        }

        if (wasActive != (source.State == SourceState.Active))
        {
            // The queue follows the state as stored when it is written, not this change's: another pause or resume
            // of the source may have been stored since.
            await scheduler.FollowStoreAsync(store, id, null, cancellationToken).ConfigureAwait(false);
        }

        return new UpdateSourceResult(source, null);
    }

    private Source NewSource(string feedUrl, string? title, string? siteUrl, IReadOnlyList<string> categories)
    {
        var now = timeProvider.GetUtcNow();
        return new Source
        {
            FeedUrl = feedUrl,
            Title = title,
            SiteUrl = siteUrl,
            Categories = SourceSettings.Clean(categories),
            CreatedAt = now,
            Fetch = new FetchState { NextPollAt = now },
        };
    }
}

public sealed record AddSourceResult(AddSourceStatus Status, Source? Source, DiscoveryResult? Discovery, string? Error)
{
    public static AddSourceResult Added(Source source, DiscoveryResult discovery) => new(AddSourceStatus.Added, source, discovery, null);

    public static AddSourceResult Duplicate(Source existing)
        => new(AddSourceStatus.AlreadySubscribed, existing, null, $"{FeedAddress.Shown(existing.FeedUrl)} is already subscribed as source {existing.Id} ({existing.Name})");

    public static AddSourceResult Choose(DiscoveryResult discovery)
        => new(AddSourceStatus.ChooseFeed, null, discovery,
            $"{discovery.Url} offers {discovery.Feeds.Count} feeds; add one of them by its address: {string.Join(", ", discovery.Feeds.Select(f => FeedAddress.Shown(f.FeedUrl).AbsoluteUri))}");

    public static AddSourceResult Refused(string error, DiscoveryResult? discovery = null) => new(AddSourceStatus.Refused, null, discovery, error);
}

public enum AddSourceStatus
{
    Added,
    AlreadySubscribed,

    /// <summary>The address offers several feeds: nothing was stored, the curator picks one.</summary>
    ChooseFeed,
    Refused,
}

/// <summary>The source after a change, or why the change was refused (<see cref="Source"/> null: there is no such source).</summary>
public sealed record UpdateSourceResult(Source? Source, string? Error)
{
    public static UpdateSourceResult NotFound(long id) => new(null, $"there is no source {id}");
}

