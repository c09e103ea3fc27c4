using System.Collections.Concurrent;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>A digest day: one range of <c>articles_river</c> for its posts, then its sources' headings (kept while the sources do not change), only the columns the digest shows.</summary>
public sealed partial class PostgresFeedStore
{
    /// <summary>The headings kept at one version at most (10,000 sources is the scale aimed at); past it they start over.</summary>
    private const int MaxHeadingsKept = 50_000;

    private KeptHeadings _headings = new(-1);

    public async Task<IReadOnlyList<DigestPost>> ListDigestPostsAsync(TimeRange period, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            SELECT id, source_id, title, link, author, language, sort_date, changed_at, duplicate_of FROM articles
            WHERE sort_date >= @from AND sort_date < @to
            ORDER BY sort_date DESC, id DESC
            LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", Timestamps.ToStored(period.Start)));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", Timestamps.ToStored(period.End)));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", Math.Max(1, limit)));
        var posts = new List<DigestPost>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            posts.Add(new DigestPost(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7))
            {
                DuplicateOf = reader.IsDBNull(8) ? null : reader.GetInt64(8),
            });
        }

        return posts;
    }

    /// <summary>
    /// Headings come from those kept at the current version of what readers see of the sources (<c>sources</c> in
    /// <c>content_versions</c>, moved in the same transaction as any new, removed or renamed source or change of its
    /// address or categories, whichever node made it): a digest day naming 2,000 sources then costs one primary-key
    /// look-up instead of 2,000 rows read and decoded on every render. Only the sources asked for are read, once per
    /// version; those that do not exist are kept as absent.
    /// </summary>
    public async Task<IReadOnlyList<SourceHeading>> GetSourceHeadingsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var kept = await KeptHeadingsAsync(cancellationToken).ConfigureAwait(false);
        var missing = ids.Where(id => !kept.ById.ContainsKey(id)).Distinct().ToArray();
        if (missing.Length > 0)
        {
            if (kept.ById.Count + missing.Length > MaxHeadingsKept)
            {
                kept = Replace(kept, new KeptHeadings(kept.Version));
                missing = [.. ids.Distinct()];
            }

            // Read after the version: these rows are that version's or newer, never older.
            var read = await ReadHeadingsAsync(missing, cancellationToken).ConfigureAwait(false);
            foreach (var id in missing)
            {
                kept.ById[id] = read.GetValueOrDefault(id);
            }
        }

        return [.. ids.Distinct().Select(id => kept.ById.GetValueOrDefault(id)).OfType<SourceHeading>()];
    }

    /// <summary>The headings kept at the version of the sources now: those kept when it has not moved, else none yet.</summary>
    private async Task<KeptHeadings> KeptHeadingsAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT coalesce((SELECT version FROM content_versions WHERE scope = @scope), 0)");
        command.Parameters.Add(new NpgsqlParameter<string>("scope", ContentScope.Sources.Key));
        var version = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        var kept = Volatile.Read(ref _headings);
        return kept.Version == version ? kept : Replace(kept, new KeptHeadings(version));
    }

    /// <summary>
    /// Keeps <paramref name="fresh"/> instead of <paramref name="kept"/>, unless <paramref name="kept"/> is of a newer
    /// version (versions only grow: a slow request that read an older one does not replace what newer ones keep).
    /// </summary>
    private KeptHeadings Replace(KeptHeadings kept, KeptHeadings fresh)
    {
        if (kept.Version <= fresh.Version)
        {
            Interlocked.CompareExchange(ref _headings, fresh, kept);
        }

        return fresh;
    }

    private async Task<Dictionary<long, SourceHeading>> ReadHeadingsAsync(long[] ids, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT id, feed_url, title, display_name, categories FROM sources WHERE id = ANY (@ids)");
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", ids));
        var headings = new Dictionary<long, SourceHeading>(ids.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = Source.NameOf(reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(1));
            var id = reader.GetInt64(0);
            headings[id] = new SourceHeading(id, name, reader.IsDBNull(4) ? [] : reader.GetFieldValue<string[]>(4).Distinct(StringComparer.Ordinal).ToList());
        }

        return headings;
    }

    /// <summary>Headings read at one version of the sources, by id (null: no such source).</summary>
    private sealed class KeptHeadings(long version)
    {
        public long Version { get; } = version;

        public ConcurrentDictionary<long, SourceHeading?> ById { get; } = new();
    }
}
