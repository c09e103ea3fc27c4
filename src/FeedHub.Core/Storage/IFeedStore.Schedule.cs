using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

public partial interface IFeedStore
{
    /// <summary>
    /// Every source's id, state and next poll time, by id, and nothing else: what the schedule synchronisation compares
    /// with the scheduler's queue every minute, cheap enough at 10,000 sources.
    /// </summary>
    Task<IReadOnlyList<SourceSchedule>> ListSourceSchedulesAsync(CancellationToken cancellationToken);
}

/// <summary>When a source is due (the store's <see cref="FetchState.NextPollAt"/> is the one source of truth for it).</summary>
public sealed record SourceSchedule(long Id, SourceState State, DateTimeOffset? NextPollAt);
