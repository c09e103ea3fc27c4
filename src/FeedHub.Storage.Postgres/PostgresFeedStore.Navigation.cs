using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>Steps along the river: each one reads the first entry of a range of <c>articles_river</c> or <c>articles_story_river</c>.</summary>
public sealed partial class PostgresFeedStore
{
    public async Task<DateTimeOffset?> FindNearestArticleDateAsync(DateTimeOffset instant, TimeDirection direction, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(direction == TimeDirection.Older
            ? "SELECT sort_date FROM articles WHERE sort_date < @at ORDER BY sort_date DESC LIMIT 1"
            : "SELECT sort_date FROM articles WHERE sort_date >= @at ORDER BY sort_date LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", Timestamps.ToStored(instant)));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime utc ? new DateTimeOffset(utc, TimeSpan.Zero) : null;
    }

    public async Task<IReadOnlyList<bool>> HaveArticlesAsync(IReadOnlyList<TimeRange> periods, CancellationToken cancellationToken)
    {
        if (periods.Count == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand(
            """
            SELECT EXISTS (SELECT 1 FROM articles WHERE sort_date >= period.start AND sort_date < period.end_)
            FROM unnest(@starts, @ends) WITH ORDINALITY AS period(start, end_, n)
            ORDER BY period.n
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("starts", [.. periods.Select(p => Timestamps.ToStored(p.Start))]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("ends", [.. periods.Select(p => Timestamps.ToStored(p.End))]));
        var found = new List<bool>(periods.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetBoolean(0));
        }

        return found;
    }

    public async Task<Article?> FindAdjacentStoryAsync(ArticleCursor at, TimeDirection direction, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(direction == TimeDirection.Older
            ? $"""
              SELECT {ArticleColumns.SelectList} FROM articles
              WHERE duplicate_of IS NULL AND (sort_date, id) < (@at_date, @at_id)
              ORDER BY sort_date DESC, id DESC LIMIT 1
              """
            : $"""
              SELECT {ArticleColumns.SelectList} FROM articles
              WHERE duplicate_of IS NULL AND (sort_date, id) > (@at_date, @at_id)
              ORDER BY sort_date, id LIMIT 1
              """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at_date", Timestamps.ToStored(at.SortDate)));
        command.Parameters.Add(new NpgsqlParameter<long>("at_id", at.Id));
        return (await ReadArticlesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }
}
