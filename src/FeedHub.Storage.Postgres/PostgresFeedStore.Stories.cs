using System.Text.Json;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Stories: before new articles are inserted, the articles holding their keys (GIN index on <c>story_keys</c>) and
/// those holders' stories are read, and <see cref="StoryAssignment"/> decides; leaders are read through a partial
/// index, and a page's credits are one look-up on <c>duplicate_of</c>. Databases from before stories are filled in on
/// opening. Two nodes storing the same story in the same instant may each make it a story of its own (shown twice).
/// </summary>
public sealed partial class PostgresFeedStore
{
    private const string StoriesUpgradeSetting = "upgrade:stories";
    private const string UpgradeDone = "done";
    private const int UpgradeBatchSize = 1000;

    // Differs from the migration lock: stories are filled after the migrations' transaction has committed.
    private const long StoriesUpgradeLockKey = 0x46656564487563;

    /// <summary>
    /// The part of the source-removal statement that hands each story led by a removed article to its oldest remaining
    /// duplicate, so no story disappears with the source that told it first.
    /// </summary>
    private const string HandOverStoriesOfRemovedArticlesSql = """
        orphans AS (
            SELECT a.id, min(a.id) OVER (PARTITION BY a.duplicate_of) AS leader
            FROM articles a WHERE a.duplicate_of IN (SELECT id FROM removed_articles)),
        handed_over AS (
            UPDATE articles a SET duplicate_of = nullif(o.leader, a.id) FROM orphans o WHERE a.id = o.id)
        """;

    private const string MembersSql = "SELECT id, source_id, coalesce(duplicate_of, id) FROM articles WHERE id = ANY (@ids) OR duplicate_of = ANY (@ids) ORDER BY id";

    private string? _installationAuthority;

    /// <summary>
    /// Whether the database may hold story keys from before keys were placed (<see cref="StoryIdentity.BareToo"/>,
    /// recorded by migration 0024 or by a write of such keys): look-ups then ask for both forms of each key.
    /// </summary>
    private volatile bool _storyKeysOfBefore;

    private const string StoryKeysOfBeforeSql = $"INSERT INTO settings (name, value) VALUES ('{StoryIdentity.FormsSetting}', '{StoryIdentity.BareToo}') ON CONFLICT (name) DO UPDATE SET value = excluded.value";

    /// <summary>Reads which forms of story key the database holds; a database that does not say holds both, as far as anyone knows.</summary>
    private async Task ReadStoryKeyFormsAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT value FROM settings WHERE name = @name");
        command.Parameters.Add(new NpgsqlParameter<string>("name", StoryIdentity.FormsSetting));
        _storyKeysOfBefore = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not StoryIdentity.PlacedOnly;
    }

    /// <summary>
    /// When articles written hold keys from before (a copy of an older store's articles), the statement that records it
    /// in the write's transaction, or null; look-ups ask for both forms from then on.
    /// </summary>
    private NpgsqlBatchCommand? NoteStoryKeysOfBefore(IEnumerable<Article> articles)
    {
        if (_storyKeysOfBefore || articles.All(article => article.StoryKeys.TrueForAll(StoryIdentity.IsPlaced)))
        {
            return null;
        }

        _storyKeysOfBefore = true;
        return new NpgsqlBatchCommand(StoryKeysOfBeforeSql);
    }

    public async Task<IReadOnlyList<StoryMember>> ListStoryMembersAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken)
    {
        if (storyIds.Count == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand(MembersSql);
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. storyIds.Distinct()]));
        var members = new List<StoryMember>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            members.Add(new StoryMember(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return members;
    }

    private async Task AssignStoriesAsync(IReadOnlyList<Article> inserts, CancellationToken cancellationToken)
    {
        var keys = StoryIdentity.LookupKeysOf(inserts.SelectMany(a => a.StoryKeys), _storyKeysOfBefore).ToArray();
        var holders = keys.Length == 0 ? [] : await ReadHoldersAsync(_writes.CreateCommand(HoldersSql), keys, below: long.MaxValue, cancellationToken).ConfigureAwait(false);
        var members = holders.Count == 0 ? [] : await ListStoryMembersAsync(holders.Select(h => h.StoryId).ToList(), cancellationToken).ConfigureAwait(false);
        StoryAssignment.Assign(inserts, holders, members);
    }

    /// <summary>
    /// Updates never set the story an article belongs to, except that a story's leader that no other source has joined
    /// yet joins an older story of another source when its keys now show it is the same (a canonical URL found on its
    /// page). Returns the statement that records those, or null.
    /// </summary>
    private async Task<NpgsqlBatchCommand?> JoinOlderStoriesAsync(IReadOnlyList<Article> updates, CancellationToken cancellationToken)
    {
        var alone = new HashSet<long>();
        await using (var command = _dataSource.CreateCommand(
            """
            SELECT a.id FROM articles a
            WHERE a.id = ANY (@ids) AND a.duplicate_of IS NULL AND NOT EXISTS (SELECT 1 FROM articles d WHERE d.duplicate_of = a.id)
            """))
        {
            command.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. updates.Where(a => a.StoryKeys.Count > 0).Select(a => a.Id)]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                alone.Add(reader.GetInt64(0));
            }
        }

        var joined = new List<Article>();
        foreach (var article in updates.Where(a => alone.Contains(a.Id)))
        {
            var holders = await ReadHoldersAsync(_dataSource.CreateCommand(HoldersSql), [.. StoryIdentity.LookupKeysOf(article.StoryKeys, _storyKeysOfBefore)], below: article.Id, cancellationToken).ConfigureAwait(false);
            var members = holders.Count == 0 ? [] : await ListStoryMembersAsync(holders.Select(h => h.StoryId).ToList(), cancellationToken).ConfigureAwait(false);
            StoryAssignment.Assign([article], holders, members);
            if (article.DuplicateOf is not null)
            {
                joined.Add(article);
            }
        }

        if (joined.Count == 0)
        {
            return null;
        }

        var join = new NpgsqlBatchCommand(
            "UPDATE articles AS a SET duplicate_of = u.story FROM unnest(@joined_ids, @stories) AS u(id, story) WHERE a.id = u.id AND a.duplicate_of IS NULL");
        join.Parameters.Add(new NpgsqlParameter<long[]>("joined_ids", [.. joined.Select(a => a.Id)]));
        join.Parameters.Add(new NpgsqlParameter<long[]>("stories", [.. joined.Select(a => a.DuplicateOf!.Value)]));
        return join;
    }

    private const string HoldersSql =
        "SELECT id, source_id, coalesce(duplicate_of, id), story_keys FROM articles WHERE story_keys && @keys AND id < @below";

    private static async Task<List<StoryHolder>> ReadHoldersAsync(NpgsqlCommand command, string[] keys, long below, CancellationToken cancellationToken)
    {
        await using (command)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("keys", keys));
            command.Parameters.Add(new NpgsqlParameter<long>("below", below));
            var holders = new List<StoryHolder>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                holders.Add(new StoryHolder(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<string[]>(3)));
            }

            return holders;
        }
    }

    private async Task MintMissingEntryIdsAsync(IReadOnlyList<Article> inserts, CancellationToken cancellationToken)
    {
        foreach (var article in inserts.Where(a => a.EntryId is null))
        {
            _installationAuthority ??= await EntryIds.InstallationAuthorityAsync(this, cancellationToken).ConfigureAwait(false);
            article.EntryId = EntryIds.Mint(_installationAuthority, article.FirstSeenAt, article.SourceId, article.Key);
        }
    }

    /// <summary>
    /// Fills story keys and stories of articles stored before stories existed, oldest first, in batches, remembering
    /// how far it got (a restart goes on from there). One process does it while the others wait on an advisory lock.
    /// </summary>
    private static async Task UpgradeStoriesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (await ReadProgressAsync(connection, cancellationToken).ConfigureAwait(false) is UpgradeDone or null)
        {
            return;
        }

        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, new NpgsqlParameter<long>("key", StoriesUpgradeLockKey)).ConfigureAwait(false);
        try
        {
            var progress = await ReadProgressAsync(connection, cancellationToken).ConfigureAwait(false);
            if (progress is UpgradeDone or null)
            {
                return;
            }

            var after = long.Parse(progress, System.Globalization.CultureInfo.InvariantCulture);
            while (await UpgradeBatchAsync(connection, after, cancellationToken).ConfigureAwait(false) is { } last)
            {
                after = last;
            }

            await ExecuteAsync(connection, $"UPDATE settings SET value = '{UpgradeDone}' WHERE name = '{StoriesUpgradeSetting}'; {BumpVersionSql}", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, new NpgsqlParameter<long>("key", StoriesUpgradeLockKey)).ConfigureAwait(false);
        }
    }

    /// <summary>Upgrades the articles after <paramref name="after"/> (by id) in one transaction; returns the last id, or null when none was left.</summary>
    private static async Task<long?> UpgradeBatchAsync(NpgsqlConnection connection, long after, CancellationToken cancellationToken)
    {
        var batch = new List<Article>();
        await using (var select = new NpgsqlCommand("SELECT id, source_id, key, link FROM articles WHERE id > @after ORDER BY id LIMIT @limit", connection))
        {
            select.Parameters.Add(new NpgsqlParameter<long>("after", after));
            select.Parameters.Add(new NpgsqlParameter<int>("limit", UpgradeBatchSize));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = reader.GetString(2);
                batch.Add(new Article
                {
                    Id = reader.GetInt64(0), SourceId = reader.GetInt64(1), Key = key, ContentHash = string.Empty,
                    StoryKeys = StoryIdentity.KeysOf(Rows.Text(reader, 3), StoryIdentity.FeedIdOf(key), canonicalUrl: null),
                });
            }
        }

        if (batch.Count == 0)
        {
            return null;
        }

        // Oldest first, so each article of the batch sees the stories of those before it (see StoryAssignment). Both
        // forms of key are looked up: a database upgraded in part by a FeedHub from before placed keys holds its keys.
        var keys = StoryIdentity.LookupKeysOf(batch.SelectMany(a => a.StoryKeys), bareToo: true).ToArray();
        var holders = await ReadHoldersAsync(new NpgsqlCommand(HoldersSql, connection), keys, below: batch[0].Id, cancellationToken).ConfigureAwait(false);
        var members = new List<StoryMember>();
        await using (var select = new NpgsqlCommand(MembersSql, connection))
        {
            select.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. holders.Select(h => h.StoryId).Distinct()]));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                members.Add(new StoryMember(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
        }

        StoryAssignment.Assign(batch, holders, members);
        var last = batch[^1].Id;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var update = new NpgsqlCommand(
            """
            UPDATE articles AS a SET story_keys = ARRAY(SELECT jsonb_array_elements_text(u.keys::jsonb)), duplicate_of = u.duplicate_of
            FROM unnest(@ids, @keys, @duplicate_of) AS u(id, keys, duplicate_of)
            WHERE a.id = u.id;
            UPDATE settings SET value = @last WHERE name = @setting;
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. batch.Select(a => a.Id)]));
            update.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. batch.Select(a => JsonSerializer.Serialize(a.StoryKeys))]));
            update.Parameters.Add(new NpgsqlParameter<long?[]>("duplicate_of", [.. batch.Select(a => a.DuplicateOf)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            update.Parameters.Add(new NpgsqlParameter<string>("last", last.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            update.Parameters.Add(new NpgsqlParameter<string>("setting", StoriesUpgradeSetting));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return last;
    }

    private static async Task<string?> ReadProgressAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT value FROM settings WHERE name = @name", connection);
        command.Parameters.Add(new NpgsqlParameter<string>("name", StoriesUpgradeSetting));
        return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
