using FeedHub.Core.Storage;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    /// <summary>
    /// Ready once this process knows the word-pairs index is valid (no query then). Until it does, the catalogue says
    /// whether a build is running (in any process: its statement's start and how many blocks it went through), or the
    /// index is valid already, or missing with no build under way.
    /// </summary>
    public async Task<SearchIndexStatus> GetSearchIndexStatusAsync(CancellationToken cancellationToken)
    {
        if (_pairsIndexValid)
        {
            return SearchIndexStatus.Ready;
        }

        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT i.indisvalid, p.pid IS NOT NULL, a.query_start, p.blocks_done, p.blocks_total
            FROM (SELECT to_regclass('{PairsIndexName}') AS oid) AS r
            LEFT JOIN pg_index AS i ON i.indexrelid = r.oid
            LEFT JOIN pg_stat_progress_create_index AS p ON p.index_relid = r.oid AND p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())
            LEFT JOIN pg_stat_activity AS a ON a.pid = p.pid
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reader.GetBoolean(1))
        {
            return new SearchIndexStatus(
                SearchIndexPhase.PhrasesIndexBuilding,
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? 0 : reader.GetInt64(3),
                reader.IsDBNull(4) ? 0 : reader.GetInt64(4));
        }

        return !reader.IsDBNull(0) && reader.GetBoolean(0) ? SearchIndexStatus.Ready : new SearchIndexStatus(SearchIndexPhase.PhrasesIndexMissing);
    }
}
