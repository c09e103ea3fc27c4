using FeedHub.Core.Model;
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
    /// change made while the source was being polled stays, and so does an earlier next poll time a refresh stored
    /// (<see cref="PollResult.NextPollAtOver"/>). Nothing is saved when the source was removed meanwhile.
    /// A poll that moves the source (<see cref="PollResult.MovedTo"/>) to the address another source has makes it that
    /// source's paused duplicate (<see cref="SourceAddress.MarkDuplicate"/>), in the same step.
    /// </summary>
    Task SavePollAsync(PollResult poll, CancellationToken cancellationToken);

    /// <summary>
    /// Saves a poll that read its feed together with the articles it found new or edited: the articles as
    /// <see cref="SaveArticlesAsync"/> saves them (new ones given their ids), the poll as <see cref="SavePollAsync"/>
    /// saves it (a curator's change kept, a refresh's earlier next poll time kept). No article is stored when the source
    /// was removed meanwhile or moved away from the polled address, nor anything after them. A store whose commits cost
    /// it most (LiteDB: the pages each writes to its log) saves the learned feed, the articles and the poll's state in
    /// one transaction, all or nothing; PostgreSQL in three (its remarks say why).
    /// </summary>
    Task SavePollWithArticlesAsync(PollResult poll, IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the fetch state of many polls (<see cref="PollResult.Fetch"/> alone: no learned feed, move nor retirement)
    /// in one transaction, each onto its source as stored now (a refresh's earlier next poll time kept, as
    /// <see cref="SavePollAsync"/> keeps it). A poll about an address the source has left, or of a
    /// source removed, saves nothing; nor does one that is not later than the fetch state stored (which counts as many
    /// polls, <see cref="FetchState.PollCount"/>, or more): a later poll's state, saved meanwhile, is never moved back.
    /// </summary>
    Task SaveFetchStatesAsync(IReadOnlyCollection<PollResult> polls, CancellationToken cancellationToken);
}

/// <summary>A stored article as a poll compares it with its feed's item: its id, key and content hash.</summary>
public readonly record struct KnownArticle(long Id, string Key, string ContentHash);
