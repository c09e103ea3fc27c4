using System.Text.Json;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Stories: the insert statement itself makes a new article a duplicate of the oldest story another source's article
/// holding one of its keys belongs to (GIN index on <c>story_keys</c>); leaders are read through a partial index, and a
/// page's credits are one look-up on <c>duplicate_of</c>. Databases from before stories are filled in on opening.
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

    private string? _installationAuthority;

    public async Task<IReadOnlyList<StoryMember>> ListStoryMembersAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken)
    {
        if (storyIds.Count == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand(
            """
            SELECT id, source_id, coalesce(duplicate_of, id) FROM articles
            WHERE id = ANY (@ids) OR duplicate_of = ANY (@ids)
            ORDER BY id
            """);
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. storyIds.Distinct()]));
        var members = new List<StoryMember>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            members.Add(new StoryMember(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return members;
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
        var batch = new List<(long Id, long SourceId, List<string> Keys)>();
        await using (var select = new NpgsqlCommand("SELECT id, source_id, key, link FROM articles WHERE id > @after ORDER BY id LIMIT @limit", connection))
        {
            select.Parameters.Add(new NpgsqlParameter<long>("after", after));
            select.Parameters.Add(new NpgsqlParameter<int>("limit", UpgradeBatchSize));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var keys = StoryIdentity.KeysOf(Rows.Text(reader, 3), StoryIdentity.FeedIdOf(reader.GetString(2)), canonicalUrl: null);
                batch.Add((reader.GetInt64(0), reader.GetInt64(1), keys));
            }
        }

        if (batch.Count == 0)
        {
            return null;
        }

        var last = batch[^1].Id;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Earlier articles (already upgraded) holding any of the batch's keys, with the story each belongs to.
        var holders = new List<(long Id, long SourceId, long StoryId, string[] Keys)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, source_id, coalesce(duplicate_of, id), story_keys FROM articles WHERE story_keys && @keys AND id <= @after", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. batch.SelectMany(a => a.Keys).Distinct()]));
            select.Parameters.Add(new NpgsqlParameter<long>("after", after));
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                holders.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<string[]>(3)));
            }
        }

        // Oldest first, so each article of the batch sees the stories the ones before it joined.
        var stories = new long?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (id, sourceId, keys) = batch[i];
            long? story = null;
            foreach (var holder in holders.Where(h => h.SourceId != sourceId && h.Keys.Any(keys.Contains)))
            {
                story = story is null ? holder.StoryId : Math.Min(story.Value, holder.StoryId);
            }

            stories[i] = story;
            holders.Add((id, sourceId, story ?? id, [.. keys]));
        }

        await using (var update = new NpgsqlCommand(
            """
            UPDATE articles AS a SET story_keys = ARRAY(SELECT jsonb_array_elements_text(u.keys::jsonb)), duplicate_of = u.duplicate_of
            FROM unnest(@ids, @keys, @duplicate_of) AS u(id, keys, duplicate_of)
            WHERE a.id = u.id;
            UPDATE settings SET value = @last WHERE name = @setting;
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. batch.Select(a => a.Id)]));
            update.Parameters.Add(new NpgsqlParameter<string[]>("keys", [.. batch.Select(a => JsonSerializer.Serialize(a.Keys))]));
            update.Parameters.Add(new NpgsqlParameter<long?[]>("duplicate_of", stories) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
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
