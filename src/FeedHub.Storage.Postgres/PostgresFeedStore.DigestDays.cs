using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>A digest day: one range of <c>articles_river</c> for its posts, then its sources by primary key, only the columns the digest shows.</summary>
public sealed partial class PostgresFeedStore
{
    public async Task<IReadOnlyList<DigestPost>> ListDigestPostsAsync(TimeRange period, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            SELECT id, source_id, title, link, author, language, sort_date, changed_at FROM articles
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
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return posts;
    }

    public async Task<IReadOnlyList<SourceHeading>> GetSourceHeadingsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand("SELECT id, feed_url, title, display_name, categories FROM sources WHERE id = ANY (@ids)");
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. ids.Distinct()]));
        var headings = new List<SourceHeading>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = Source.NameOf(reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(1));
            headings.Add(new SourceHeading(reader.GetInt64(0), name, reader.IsDBNull(4) ? [] : reader.GetFieldValue<string[]>(4).Distinct(StringComparer.Ordinal).ToList()));
        }

        return headings;
    }
}
