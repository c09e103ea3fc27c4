using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// The scale-out store: several FeedHub processes share one PostgreSQL database. Every write is one implicit
/// transaction (a single statement or one batch) that also bumps the shared version, so all nodes see a new
/// version exactly when they can see the change; content versions are read from memory, which follows them by
/// notification (a node sees another's change a notification later, and its own at once). Instants are kept in UTC
/// to the millisecond, like LiteDB.
/// </summary>
public sealed partial class PostgresFeedStore : IFeedStore, IAsyncDisposable, IDisposable
{
    private const int MaxPageSize = 1000;

    /// <summary>Up to this many sources, a filtered page is merged from each source's own index range.</summary>
    internal const int MaxSourcesMergedPerSource = 100;

    /// <summary>The unique index on <c>sources.feed_url_identity</c> (migration 0021).</summary>
    private const string AddressIndex = "sources_feed_url_identity";

    private const string BumpVersionSql = "UPDATE store_version SET value = value + 1";

    // Identity columns are "BY DEFAULT", so imported rows may bring their ids; the sequences must then move past them.
    private static readonly string[] MoveIdentitiesPastImportedIdsSql =
    [
        "SELECT setval('sources_id_seq', GREATEST((SELECT last_value FROM sources_id_seq), (SELECT coalesce(max(id), 0) FROM sources)))",
        "SELECT setval('articles_id_seq', GREATEST((SELECT last_value FROM articles_id_seq), (SELECT coalesce(max(id), 0) FROM articles)))",
    ];

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>
    /// The connections of the poll path (its look-up, inserts and updates), whose statements are the same on every
    /// poll: they are prepared there (see <see cref="RepeatedStatements"/>). Readers stay on
    /// <see cref="_dataSource"/>: a prepared statement may be given one generic plan after five runs, which suits a
    /// poll's statements but not a page whose best plan depends on its parameters (which sources, how far back).
    /// </summary>
    private readonly NpgsqlDataSource _writes;

    /// <summary>The content versions in memory, followed by notification (see <see cref="GetContentVersionAsync"/>).</summary>
    private readonly ContentVersionMirror _versions;

    private PostgresFeedStore(NpgsqlDataSource dataSource, NpgsqlDataSource writes, ContentVersionMirror versions)
        => (_dataSource, _writes, _versions) = (dataSource, writes, versions);

    /// <summary>
    /// Connects to the database and brings its schema up to date (safe when several processes start at once). The
    /// word-pairs search index is not built here but by <see cref="BuildWordPairsIndexAsync"/>, which long-running
    /// processes call in the background.
    /// </summary>
    public static Task<PostgresFeedStore> OpenAsync(string connectionString, CancellationToken cancellationToken)
        => OpenAsync(connectionString, TimeProvider.System, cancellationToken);

    /// <inheritdoc cref="OpenAsync(string, CancellationToken)"/>
    /// <param name="timeProvider">Times the pauses before the content versions' listener connects again.</param>
    public static async Task<PostgresFeedStore> OpenAsync(string connectionString, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var writes = NpgsqlDataSource.Create(RepeatedStatements.ConnectionString(connectionString));
        try
        {
            await SchemaMigrations.ApplyAsync(dataSource, cancellationToken).ConfigureAwait(false);
            await UpgradeStoriesAsync(dataSource, cancellationToken).ConfigureAwait(false);
            await UpgradeSourceListingAsync(dataSource, cancellationToken).ConfigureAwait(false);
            var store = new PostgresFeedStore(dataSource, writes, new ContentVersionMirror(connectionString, dataSource, timeProvider));
            await store.RefreshPairsIndexValidityAsync(cancellationToken).ConfigureAwait(false);
            await store.ReadStoryKeyFormsAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await writes.DisposeAsync().ConfigureAwait(false);
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Source> AddSourceAsync(Source source, CancellationToken cancellationToken)
    {
        // The unique index on the address decides between adds at once, on any node: an insert that finds the address
        // taken (waiting, if need be, for the commit of the insert that took it) stores nothing, and the source there
        // is read. Should that source be removed in between, the address is free again: the insert is tried again.
        // The store version and the tallies move when the insert commits (migrations 0019 and 0020).
        while (true)
        {
            await using (var insert = _dataSource.CreateCommand(SourceColumns.InsertSql))
            {
                SourceColumns.AddParameters(insert.Parameters, source, withId: false);
                if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id)
                {
                    source.Id = id;
                    _versions.Wrote();
                    return source;
                }
            }

            if (await FindSourceByIdentityAsync(_dataSource, SourceAddress.IdentityOf(source), cancellationToken).ConfigureAwait(false) is { } holder)
            {
                return holder;
            }
        }
    }

    /// <summary>
    /// Copies the sources into a table of the transaction's own, then inserts them from it in one statement, the one
    /// unique index deciding as for <see cref="AddSourceAsync"/>: an import of 10,000 sources one insert (and one
    /// commit, whose triggers then move the tallies and versions) at a time took 33-45 s against 2.4 s on LiteDB.
    /// </summary>
    public async Task<IReadOnlyList<Source>> AddSourcesAsync(IReadOnlyList<Source> sources, CancellationToken cancellationToken)
    {
        var inserted = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var stage = new NpgsqlCommand(SourceColumns.StageSql, connection, transaction))
            {
                await stage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var copy = await connection.BeginBinaryImportAsync(SourceColumns.CopyStagedSql, cancellationToken).ConfigureAwait(false))
            {
                for (var place = 0; place < sources.Count; place++)
                {
                    await SourceColumns.WriteStagedAsync(copy, place, sources[place], cancellationToken).ConfigureAwait(false);
                }

                await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var insert = new NpgsqlCommand(SourceColumns.InsertStagedSql, connection, transaction))
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    inserted[reader.GetString(1)] = reader.GetInt64(0);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _versions.Wrote();
        var stored = new Source[sources.Count];
        var firstAt = new Dictionary<string, Source>(StringComparer.Ordinal);
        var held = new List<int>();
        for (var place = 0; place < sources.Count; place++)
        {
            var source = sources[place];
            var identity = SourceAddress.IdentityOf(source);
            if (firstAt.TryGetValue(identity, out var earlier))
            {
                stored[place] = earlier;
            }
            else if (inserted.TryGetValue(identity, out var id))
            {
                source.Id = id;
                stored[place] = firstAt[identity] = source;
            }
            else
            {
                held.Add(place);
            }
        }

        // Those at an address taken before: the source there, or, should it have been removed since, this one after all.
        var holders = await FindSourcesByIdentityAsync([.. held.Select(place => SourceAddress.IdentityOf(sources[place])).Distinct()], cancellationToken).ConfigureAwait(false);
        foreach (var place in held)
        {
            stored[place] = holders.TryGetValue(SourceAddress.IdentityOf(sources[place]), out var holder)
                ? holder
                : await AddSourceAsync(sources[place], cancellationToken).ConfigureAwait(false);
        }

        return stored;
    }

    private async Task<Dictionary<string, Source>> FindSourcesByIdentityAsync(string[] identities, CancellationToken cancellationToken)
    {
        if (identities.Length == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand($"SELECT {SourceColumns.SelectList} FROM sources WHERE feed_url_identity = ANY (@identities)");
        command.Parameters.Add(new NpgsqlParameter<string[]>("identities", identities));
        return (await ReadSourcesAsync(command, cancellationToken).ConfigureAwait(false)).ToDictionary(SourceAddress.IdentityOf, StringComparer.Ordinal);
    }

    /// <summary>
    /// On the poll path's connections (every poll starts here), prepared: a look-up by primary key has one plan
    /// whatever the id, and a reader's connection would also have sent a DISCARD ALL at its next use, one statement
    /// more a poll.
    /// </summary>
    public async Task<Source?> GetSourceAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _writes.CreateCommand($"SELECT {SourceColumns.SelectList} FROM sources WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (await ReadSourcesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public Task<Source?> FindSourceByFeedUrlAsync(string feedUrl, CancellationToken cancellationToken)
        => FindSourceByIdentityAsync(_dataSource, UrlNormalizer.ForIdentity(feedUrl), cancellationToken);

    private static async Task<Source?> FindSourceByIdentityAsync(NpgsqlDataSource dataSource, string identity, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SourceColumns.SelectList} FROM sources WHERE feed_url_identity = @identity");
        command.Parameters.Add(new NpgsqlParameter<string>("identity", identity));
        return (await ReadSourcesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {SourceColumns.SelectList} FROM sources ORDER BY id");
        return await ReadSourcesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Source?> ChangeSourceAsync(long id, Func<Source, bool> change, CancellationToken cancellationToken)
    {
        var changed = await ChangeStoredSourceAsync(_dataSource, id, change, cancellationToken).ConfigureAwait(false);
        _versions.Wrote();
        return changed;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the source's row as it stands, in one transaction that holds the row from
    /// the read to the commit (<c>SELECT … FOR UPDATE</c>): a poll or a curator saving the same source meanwhile waits,
    /// then applies its own change onto this one's result, and one that committed before is read and kept. Nothing
    /// else is locked before the commit, which moves the tallies and versions when what readers see changed
    /// (migrations 0019 and 0020): two such writes of the same source only ever queue for its row, never in a cycle.
    /// A change that gives the source an address another source has is refused by the unique index (migration 0021):
    /// nothing is saved, and <see cref="FeedAddressTakenException"/> names that source. Should that source be removed
    /// between the refusal and its look-up, the address is free again: the change is made again, on the source as then
    /// stored (so <paramref name="change"/> may run twice, each time on a fresh read).
    /// </summary>
    private static async Task<Source?> ChangeStoredSourceAsync(NpgsqlDataSource dataSource, long id, Func<Source, bool> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var identity = string.Empty;
            try
            {
                return await ChangeRowAsync(
                    dataSource,
                    $"SELECT {SourceColumns.SelectList} FROM sources WHERE id = @id FOR UPDATE",
                    ReadSourcesAsync,
                    id,
                    change,
                    (update, stored) =>
                    {
                        identity = SourceAddress.IdentityOf(stored);
                        update.CommandText = SourceColumns.UpdateSql;
                        SourceColumns.AddParameters(update.Parameters, stored, withId: true);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException taken) when (taken is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: AddressIndex })
            {
                if (await FindSourceByIdentityAsync(dataSource, identity, cancellationToken).ConfigureAwait(false) is { } holder)
                {
                    throw new FeedAddressTakenException(holder);
                }
            }
        }
    }

    /// <summary>
    /// Reads row <paramref name="id"/> with <paramref name="selectForUpdate"/> (which holds it), applies
    /// <paramref name="change"/> and, when it says so, writes the row back with the statement <paramref name="setUpdate"/>
    /// sets up, all in one transaction: no other write of the row comes between the read and the write.
    /// </summary>
    private static async Task<T?> ChangeRowAsync<T>(
        NpgsqlDataSource dataSource,
        string selectForUpdate,
        Func<NpgsqlCommand, CancellationToken, Task<List<T>>> read,
        long id,
        Func<T, bool> change,
        Action<NpgsqlCommand, T> setUpdate,
        CancellationToken cancellationToken)
        where T : class
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        T? stored;
        await using (var select = new NpgsqlCommand(selectForUpdate, connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<long>("id", id));
            stored = (await read(select, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
        }

        // Left without a commit, the transaction is rolled back when disposed, and the row let go.
        if (stored is null || !change(stored))
        {
            return stored;
        }

        await using (var update = new NpgsqlCommand(null, connection, transaction))
        {
            setUpdate(update, stored);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    public async Task<bool> RemoveSourceAsync(long id, bool keepArticles, CancellationToken cancellationToken)
    {
        // One batch, one transaction: the row held first (RemoveSourceSql says why), then removed.
        await using var batch = _dataSource.CreateBatch();
        var hold = new NpgsqlBatchCommand(HoldSourceForRemovalSql);
        hold.Parameters.Add(new NpgsqlParameter<long>("id", id));
        var remove = new NpgsqlBatchCommand(RemoveSourceSql);
        remove.Parameters.Add(new NpgsqlParameter<long>("id", id));
        remove.Parameters.Add(new NpgsqlParameter<bool>("keep_articles", keepArticles));
        batch.BatchCommands.Add(hold);
        batch.BatchCommands.Add(remove);
        bool removed;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            removed = reader.GetInt64(0) > 0;
        }

        _versions.Wrote();
        return removed;
    }

    /// <summary>
    /// Holds source <c>@id</c>'s row for its removal, in a statement of its own before <see cref="RemoveSourceSql"/>.
    /// </summary>
    private const string HoldSourceForRemovalSql = "SELECT FROM sources WHERE id = @id FOR UPDATE";

    /// <summary>
    /// Removes source <c>@id</c> and, unless <c>@keep_articles</c>, its articles, each story they told first handed to
    /// the next article that tells it; gives the number of sources removed. Run after
    /// <see cref="HoldSourceForRemovalSql"/> in the same transaction: a poll's write of articles holds the source's
    /// row until it commits (<see cref="SavePollWithArticlesAsync"/>), so the hold waits for it, and this statement,
    /// which reads the articles afresh (each statement its own snapshot), removes what it stored; a statement that
    /// waited for the row itself would still read the articles as they were before the wait, and leave them.
    /// </summary>
    private const string RemoveSourceSql = $"""
        WITH removed AS (DELETE FROM sources WHERE id = @id RETURNING id),
             removed_articles AS (DELETE FROM articles WHERE NOT @keep_articles AND source_id IN (SELECT id FROM removed) RETURNING id),
             {HandOverStoriesOfRemovedArticlesSql}
        SELECT count(*) FROM removed
        """;

    public async Task<IReadOnlyList<Article>> GetArticlesByKeysAsync(long sourceId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        // The digest condition lets the unique (source_id, md5(key)) index find the rows; the key condition is exact.
        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT {ArticleColumns.SelectList} FROM articles
            WHERE source_id = @source_id
              AND md5(key) = ANY (ARRAY(SELECT md5(k) FROM unnest(@keys) AS k))
              AND key = ANY (@keys)
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("source_id", sourceId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. keys]));
        return await ReadArticlesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public Task SaveArticlesAsync(IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates, CancellationToken cancellationToken)
        => WriteArticlesAsync(inserts, updates, poll: null, cancellationToken);

    /// <summary>
    /// Saves a poll in three steps: the feed it learned (so that the articles' search documents, which a trigger builds
    /// from the source's names as stored, have the new name at once), the articles, then the rest of the poll, so that
    /// a failure in between leaves the validators of the poll before and the next poll fetches the feed again. The
    /// articles' write holds the source's row from its check to its commit: nothing is saved from then on when the
    /// source was removed or moved away from the polled address meanwhile (no article without a source), and a
    /// removal that comes during the write waits for it, then removes what it stored (<see cref="RemoveSourceSql"/>).
    /// </summary>
    public async Task SavePollWithArticlesAsync(PollResult poll, IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates, CancellationToken cancellationToken)
    {
        if (poll.Feed is { } feed)
        {
            await SavePollAsync(new PollResult(poll.SourceId) { PolledUrl = poll.PolledUrl, Feed = feed }, cancellationToken).ConfigureAwait(false);
        }

        if (await WriteArticlesAsync(inserts, updates, poll, cancellationToken).ConfigureAwait(false))
        {
            await SavePollAsync(poll with { Feed = null }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Saves articles, those of <paramref name="poll"/> only while its source is stored at the polled address: false
    /// when it is not (nothing saved).
    /// </summary>
    private async Task<bool> WriteArticlesAsync(IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates, PollResult? poll, CancellationToken cancellationToken)
    {
        if (inserts.Count == 0 && updates.Count == 0)
        {
            return true;
        }

        await MintMissingEntryIdsAsync(inserts, cancellationToken).ConfigureAwait(false);
        var keysOfBefore = NoteStoryKeysOfBefore(inserts.Concat(updates));
        await AssignStoriesAsync(inserts, cancellationToken).ConfigureAwait(false);

        // One batch is one transaction: all of it is stored, or none of it. The articles' triggers move the store
        // version and the content versions when it commits (migration 0019), not here: the rows every save moves
        // ('river') would otherwise stay locked for the whole insert, and saves would run one at a time.
        await using var connection = await _writes.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (poll is not null)
        {
            // The source's row held until the commit (FOR KEY SHARE: its removal or move waits, a poll's state saved
            // meanwhile does not), as stored now: left without a commit, the transaction is rolled back when disposed.
            await using var hold = new NpgsqlCommand("SELECT feed_url FROM sources WHERE id = @id FOR KEY SHARE", connection, transaction);
            hold.Parameters.Add(new NpgsqlParameter<long>("id", poll.SourceId));
            if (await hold.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string feedUrl || !poll.IsAbout(feedUrl))
            {
                return false;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (keysOfBefore is not null)
        {
            batch.BatchCommands.Add(keysOfBefore);
        }

        if (inserts.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(ArticleColumns.InsertSql);
            ArticleColumns.AddParameters(insert.Parameters, inserts, withIds: false);
            batch.BatchCommands.Add(insert);
        }

        if (updates.Count > 0)
        {
            var update = new NpgsqlBatchCommand(ArticleColumns.UpdateSql);
            ArticleColumns.AddParameters(update.Parameters, updates, withIds: true);
            batch.BatchCommands.Add(update);
            if (await JoinOlderStoriesAsync(updates, cancellationToken).ConfigureAwait(false) is { } joined)
            {
                batch.BatchCommands.Add(joined);
            }
        }

        var insertedIds = new Dictionary<(long SourceId, string Key), long>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            do
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    insertedIds[(reader.GetInt64(0), reader.GetString(1))] = reader.GetInt64(2);
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _versions.Wrote();
        foreach (var article in inserts)
        {
            article.Id = insertedIds.TryGetValue((article.SourceId, article.Key), out var id)
                ? id
                : throw new InvalidOperationException(
                    $"Article '{article.Key}' of source {article.SourceId} was not stored: another key of that source has the same digest.");
        }

        return true;
    }

    public async Task<Article?> GetArticleAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {ArticleColumns.SelectList} FROM articles WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (await ReadArticlesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public Task<IReadOnlyList<Article>> ListArticlesAsync(ArticleQuery query, CancellationToken cancellationToken)
        => query.Search is null ? ListRiverAsync(query, null, cancellationToken) : SearchWithinTimeLimitAsync(query, cancellationToken);

    /// <summary>A page of the river, of the articles that match <paramref name="search"/> when there is one.</summary>
    private async Task<IReadOnlyList<Article>> ListRiverAsync(ArticleQuery query, SearchStep? search, CancellationToken cancellationToken)
    {
        if (query.SourceIds is { Count: 0 })
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand();
        var conditions = new StringBuilder();
        if (query.Before is { } before)
        {
            conditions.Append(" AND (sort_date, id) < (@before_date, @before_id)");
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before_date", Timestamps.ToStored(before.SortDate)));
            command.Parameters.Add(new NpgsqlParameter<long>("before_id", before.Id));
        }

        if (query.From is { } from)
        {
            conditions.Append(" AND sort_date >= @from");
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", Timestamps.ToStored(from)));
        }

        if (query.To is { } to)
        {
            conditions.Append(" AND sort_date < @to");
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", Timestamps.ToStored(to)));
        }

        if (query.StoriesOnly)
        {
            conditions.Append(" AND duplicate_of IS NULL");
        }

        command.Parameters.Add(new NpgsqlParameter<int>("limit", Math.Clamp(query.Limit, 1, MaxPageSize)));
        var sourceIds = query.SourceIds?.Distinct().ToArray();
        if (sourceIds is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<long[]>("source_ids", sourceIds));
        }

        if (search is not null)
        {
            command.CommandTimeout = SearchTimeoutSeconds;
            command.CommandText = SearchPageSql(command, search, (sourceIds is null ? "true" : "source_id = ANY (@source_ids)") + conditions);
        }
        else if (sourceIds is { Length: <= MaxSourcesMergedPerSource })
        {
            // Each source's newest rows come from its own index range (index-only), then the page is merged: the cost
            // stays bounded by sources × page size however rare the sources' articles are in the river.
            command.CommandText = $"""
                SELECT {ArticleColumns.SelectList} FROM articles
                WHERE id IN (
                    SELECT newest.id
                    FROM unnest(@source_ids) AS wanted(source_id)
                    CROSS JOIN LATERAL (
                        SELECT id, sort_date FROM articles
                        WHERE source_id = wanted.source_id{conditions}
                        ORDER BY sort_date DESC, id DESC
                        LIMIT @limit) AS newest
                    ORDER BY newest.sort_date DESC, newest.id DESC
                    LIMIT @limit)
                ORDER BY sort_date DESC, id DESC
                """;
        }
        else if (sourceIds is not null)
        {
            // Many sources (a large category) are a good part of the river: walk it and keep theirs.
            command.CommandText = $"""
                SELECT {ArticleColumns.SelectList} FROM articles
                WHERE source_id = ANY (@source_ids){conditions}
                ORDER BY sort_date DESC, id DESC
                LIMIT @limit
                """;
        }
        else
        {
            command.CommandText = $"""
                SELECT {ArticleColumns.SelectList} FROM articles
                WHERE true{conditions}
                ORDER BY sort_date DESC, id DESC
                LIMIT @limit
                """;
        }

        return await ReadArticlesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> CountArticlesAsync(long? sourceId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand();
        if (sourceId is { } id)
        {
            command.CommandText = "SELECT count(*) FROM articles WHERE source_id = @source_id";
            command.Parameters.Add(new NpgsqlParameter<long>("source_id", id));
        }
        else
        {
            command.CommandText = "SELECT count(*) FROM articles";
        }

        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<Curator> AddCuratorAsync(Curator curator, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO curators (name, password_hash, created_at, tokens) VALUES (@name, @password_hash, @created_at, @tokens) RETURNING id");
        CuratorColumns.AddParameters(command.Parameters, curator);
        curator.Id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return curator;
    }

    public async Task<Curator?> GetCuratorByNameAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {CuratorColumns.SelectList} FROM curators WHERE lower(name) = lower(@name)");
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        return (await ReadCuratorsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<Curator?> FindCuratorByTokenHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {CuratorColumns.SelectList} FROM curators WHERE tokens @> @filter LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter("filter", NpgsqlDbType.Jsonb) { Value = CuratorColumns.TokenHashFilter(tokenHash) });
        return (await ReadCuratorsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Curator>> ListCuratorsAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {CuratorColumns.SelectList} FROM curators ORDER BY id");
        return await ReadCuratorsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="ChangeStoredSourceAsync"/>: the curator's row is held from the read to the commit.</summary>
    public Task<Curator?> ChangeCuratorAsync(long id, Func<Curator, bool> change, CancellationToken cancellationToken)
        => ChangeRowAsync(
            _dataSource,
            $"SELECT {CuratorColumns.SelectList} FROM curators WHERE id = @id FOR UPDATE",
            ReadCuratorsAsync,
            id,
            change,
            (update, stored) =>
            {
                update.CommandText = "UPDATE curators SET name = @name, password_hash = @password_hash, created_at = @created_at, tokens = @tokens WHERE id = @id";
                CuratorColumns.AddParameters(update.Parameters, stored);
                update.Parameters.Add(new NpgsqlParameter<long>("id", id));
            },
            cancellationToken);

    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT value FROM settings WHERE name = @name");
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SetSettingAsync(string name, string value, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        command.Parameters.Add(new NpgsqlParameter<string>("value", value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ClaimSettingAsync(string name, string value, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<string>("name", name));
        command.Parameters.Add(new NpgsqlParameter<string>("value", value));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<long> GetVersionAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT value FROM store_version");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Copies sources from another store keeping their ids; a source already there with the same id is replaced, so
    /// a copy can be re-run. Afterwards new sources get ids above every copied one.
    /// </summary>
    public async Task ImportSourcesAsync(IReadOnlyList<Source> sources, CancellationToken cancellationToken)
    {
        // Rows are locked in id order, the order every write of many sources takes them (RemoveImportBatchAsync too).
        await using var batch = _dataSource.CreateBatch();
        foreach (var source in sources.OrderBy(s => s.Id))
        {
            var import = new NpgsqlBatchCommand(SourceColumns.ImportSql);
            SourceColumns.AddParameters(import.Parameters, source, withId: true);
            batch.BatchCommands.Add(import);
        }

        await ExecuteImportAsync(batch, cancellationToken).ConfigureAwait(false);
        _versions.Wrote();
    }

    /// <summary>
    /// Copies articles from another store keeping their ids; an article already there with the same id is replaced,
    /// so a copy can be re-run. Afterwards new articles get ids above every copied one. Meant for a store that no
    /// other process is writing to meanwhile.
    /// </summary>
    public async Task ImportArticlesAsync(IReadOnlyList<Article> articles, CancellationToken cancellationToken)
    {
        await MintMissingEntryIdsAsync(articles, cancellationToken).ConfigureAwait(false);
        await using var batch = _dataSource.CreateBatch();
        if (NoteStoryKeysOfBefore(articles) is { } keysOfBefore)
        {
            batch.BatchCommands.Add(keysOfBefore);
        }

        if (articles.Count > 0)
        {
            var import = new NpgsqlBatchCommand(ArticleColumns.ImportSql);
            ArticleColumns.AddParameters(import.Parameters, articles, withIds: true);
            batch.BatchCommands.Add(import);
        }

        await ExecuteImportAsync(batch, cancellationToken).ConfigureAwait(false);
        _versions.Wrote();
    }

    public async ValueTask DisposeAsync()
    {
        await _versions.DisposeAsync().ConfigureAwait(false);
        await _writes.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _versions.Dispose();
        _writes.Dispose();
        _dataSource.Dispose();
    }

    private static async Task ExecuteImportAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        if (batch.BatchCommands.Count == 0)
        {
            return;
        }

        foreach (var sql in MoveIdentitiesPastImportedIdsSql)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<Source>> ReadSourcesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var sources = new List<Source>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sources.Add(SourceColumns.Read(reader));
        }

        return sources;
    }

    private static async Task<List<Curator>> ReadCuratorsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var curators = new List<Curator>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            curators.Add(CuratorColumns.Read(reader));
        }

        return curators;
    }

    private static async Task<List<Article>> ReadArticlesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var articles = new List<Article>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            articles.Add(ArticleColumns.Read(reader));
        }

        return articles;
    }
}
