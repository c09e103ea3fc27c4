using FeedHub.Core.Model;

namespace FeedHub.Core.Storage;

/// <summary>
/// Everything FeedHub keeps. Implemented by the embedded LiteDB store and the PostgreSQL store; both pass the same
/// contract tests. Implementations are thread-safe and never lose an acknowledged write.
/// The interface (like both stores and the contract suite) is split into partial files by concern
/// (<c>IFeedStore.Sessions.cs</c>, <c>LiteDbFeedStore.Sessions.cs</c>, …), so that each concern reads on its own.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>
    /// Stores a new source and gives it an id, unless a source is already at its feed address (compared as
    /// <see cref="FindSourceByFeedUrlAsync"/> compares, <see cref="SourceAddress.IdentityOf"/>). The look-up and the
    /// insert are one step: of any number of adds of one address at once, from any thread or node, exactly one stores
    /// its source. Returns <paramref name="source"/> itself, with its id, when it was stored; otherwise the source
    /// already at that address, and <paramref name="source"/> is left unstored (its id stays 0).
    /// </summary>
    Task<Source> AddSourceAsync(Source source, CancellationToken cancellationToken);

    /// <summary>
    /// Stores many new sources (an import), each as <see cref="AddSourceAsync"/> stores one: of the sources at one feed
    /// address, in the list or already in the store, one is kept. Returns, in the order of <paramref name="sources"/>,
    /// what <see cref="AddSourceAsync"/> would return for each: the source itself, with its id, when it was stored, or
    /// the source at its address (an earlier one of the list, or one stored before). A store that pays a round trip
    /// per write stores them together.
    /// </summary>
    async Task<IReadOnlyList<Source>> AddSourcesAsync(IReadOnlyList<Source> sources, CancellationToken cancellationToken)
    {
        var stored = new List<Source>(sources.Count);
        foreach (var source in sources)
        {
            stored.Add(await AddSourceAsync(source, cancellationToken).ConfigureAwait(false));
        }

        return stored;
    }

    Task<Source?> GetSourceAsync(long id, CancellationToken cancellationToken);

    /// <summary>Finds a source by its feed URL, compared after <see cref="Urls.UrlNormalizer.ForIdentity"/>.</summary>
    Task<Source?> FindSourceByFeedUrlAsync(string feedUrl, CancellationToken cancellationToken);

    Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Changes a source as it is stored now, atomically: <paramref name="change"/> gets the stored source, edits it and
    /// returns true to save it (false leaves it as it is); no other write of the source comes between that read and the
    /// save, so what a poll or another curator saved just before is kept and only what <paramref name="change"/> edits
    /// changes. <paramref name="change"/> runs while the source is held: it must be quick (no network), and edit only the
    /// source it is given, as it may run again on a fresh read (when the address it moves to is freed meanwhile). Returns
    /// the source as it stands afterwards, or null, without calling <paramref name="change"/>, when there is no such source.
    /// A change that would put the source at the feed address another source has saves nothing and throws
    /// <see cref="FeedAddressTakenException"/> naming that source: like an add, a move to an address is checked and
    /// saved in one step.
    /// </summary>
    Task<Source?> ChangeSourceAsync(long id, Func<Source, bool> change, CancellationToken cancellationToken);

    /// <summary>Removes a source, and its articles unless <paramref name="keepArticles"/>. False if there was none.</summary>
    Task<bool> RemoveSourceAsync(long id, bool keepArticles, CancellationToken cancellationToken);

    /// <summary>The stored articles of one source with the given keys (for merging a fetched feed).</summary>
    Task<IReadOnlyList<Article>> GetArticlesByKeysAsync(long sourceId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Inserts new articles (assigning ids) and replaces changed ones, in one batch.</summary>
    Task SaveArticlesAsync(IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates, CancellationToken cancellationToken);

    Task<Article?> GetArticleAsync(long id, CancellationToken cancellationToken);

    /// <summary>Articles newest first by <see cref="Article.SortDate"/>, then by id.</summary>
    Task<IReadOnlyList<Article>> ListArticlesAsync(ArticleQuery query, CancellationToken cancellationToken);

    Task<long> CountArticlesAsync(long? sourceId, CancellationToken cancellationToken);

    /// <summary>Stores a new curator and gives it an id. The caller has checked that the name is free.</summary>
    Task<Curator> AddCuratorAsync(Curator curator, CancellationToken cancellationToken);

    /// <summary>Finds a curator by name, compared without regard to case.</summary>
    Task<Curator?> GetCuratorByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>Finds the curator holding a token with this hash (revoked or not: the caller decides).</summary>
    Task<Curator?> FindCuratorByTokenHashAsync(string tokenHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<Curator>> ListCuratorsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Changes a curator as stored now, atomically, as <see cref="ChangeSourceAsync"/> changes a source: a token
    /// issued, used or revoked, or a password set, by another request meanwhile is kept. Returns the curator as it
    /// stands afterwards, or null, without calling <paramref name="change"/>, when there is no such curator.
    /// </summary>
    Task<Curator?> ChangeCuratorAsync(long id, Func<Curator, bool> change, CancellationToken cancellationToken);

    /// <summary>A small named value kept with the data (for example, that the starter sources were imported).</summary>
    Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken);

    Task SetSettingAsync(string name, string value, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a setting only if it has no value yet: true for the one caller that set it, false for every other, even
    /// when several processes sharing the store ask at once (so a one-time task runs on one node only).
    /// </summary>
    Task<bool> ClaimSettingAsync(string name, string value, CancellationToken cancellationToken);

    /// <summary>
    /// A number that changes whenever an article or what readers see of a source changes (not its fetch state);
    /// cached pages and feeds key on it.
    /// </summary>
    Task<long> GetVersionAsync(CancellationToken cancellationToken);
}
