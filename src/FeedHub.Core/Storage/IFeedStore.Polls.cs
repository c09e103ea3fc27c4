using FeedHub.Core.Polling;

namespace FeedHub.Core.Storage;

/// <summary>What a poll reads and writes: its feed's known identities, then only its own columns of the source.</summary>
public partial interface IFeedStore
{
    /// <summary>
    /// The stored articles of one source with any of the given keys, as identities only (id, key and content hash, no
    /// text): one indexed look-up per poll tells new, edited and unchanged items apart, and only edited ones are then
    /// read whole (<see cref="GetArticlesByKeysAsync"/>).
    /// </summary>
    Task<IReadOnlyList<KnownArticle>> GetKnownArticlesAsync(long sourceId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Saves what a poll learned (<see cref="PollResult"/>) onto the source as it is stored now, atomically: a curator's
    /// change made while the source was being polled stays. Nothing is saved when the source was removed meanwhile.
    /// A poll that moves the source (<see cref="PollResult.MovedTo"/>) to the address another source has makes it that
    /// source's paused duplicate (<see cref="SourceAddress.MarkDuplicate"/>), in the same step.
    /// </summary>
    Task SavePollAsync(PollResult poll, CancellationToken cancellationToken);
}

/// <summary>A stored article as a poll compares it with its feed's item: its id, key and content hash.</summary>
public readonly record struct KnownArticle(long Id, string Key, string ContentHash);
