using System.Text;
using FeedHub.Core.Curation;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    private const int ListingUpgradeBatchSize = 500;

    /// <summary>
    /// A page read from one index: <c>sources_by_health</c> or <c>sources_by_name</c> walked from the cursor, with the
    /// category (GIN on <c>category_keys</c>) and the search (trigrams on <c>search_text</c>) as conditions the planner
    /// may start from instead when they are the more selective.
    /// </summary>
    public async Task<SourceListPage> ListSourcesAsync(SourceListQuery query, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand();
        var conditions = new StringBuilder("true");
        if (query.Health is { } health)
        {
            conditions.Append(" AND health_rank = @health_rank");
            command.Parameters.Add(new NpgsqlParameter<short>("health_rank", (short)health));
        }

        if (query.CategoryKey is { } category)
        {
            conditions.Append(" AND category_keys @> ARRAY[@category]");
            command.Parameters.Add(new NpgsqlParameter<string>("category", category));
        }

        if (query.SearchKey is { } search)
        {
            conditions.Append(" AND search_text LIKE @pattern");
            command.Parameters.Add(new NpgsqlParameter<string>("pattern", "%" + EscapeLike(search) + "%"));
        }

        var order = query.Sort == SourceSort.Name ? "name_key, id" : "health_rank, name_key, id";
        if (query.After is { } after)
        {
            conditions.Append(query.Sort == SourceSort.Name
                ? " AND (name_key, id) > (@after_name, @after_id)"
                : " AND (health_rank, name_key, id) > (@after_rank, @after_name, @after_id)");
            command.Parameters.Add(new NpgsqlParameter<short>("after_rank", (short)after.Rank));
            command.Parameters.Add(new NpgsqlParameter<string>("after_name", after.NameKey));
            command.Parameters.Add(new NpgsqlParameter<long>("after_id", after.Id));
        }

        command.CommandText = $"SELECT {SourceColumns.SelectList} FROM sources WHERE {conditions} ORDER BY {order} LIMIT @limit";
        command.Parameters.Add(new NpgsqlParameter<int>("limit", query.PageSize + 1));
        var sources = await ReadSourcesAsync(command, cancellationToken).ConfigureAwait(false);
        if (sources.Count <= query.PageSize)
        {
            return new SourceListPage(sources, null);
        }

        sources.RemoveAt(sources.Count - 1);
        return new SourceListPage(sources, SourceCursor.Of(sources[^1]));
    }

    public async Task<IReadOnlyList<Core.Model.SourceOutline>> ListSourceOutlinesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {SourceColumns.OutlineSelectList} FROM sources ORDER BY id");
        var outlines = new List<Core.Model.SourceOutline>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            outlines.Add(SourceColumns.ReadOutline(reader));
        }

        return outlines;
    }

    public async Task<StoreTallies> GetTalliesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT kind, key, count FROM source_tallies WHERE count > 0 ORDER BY kind, key");
        var byHealth = Enum.GetValues<HealthStatus>().ToDictionary(status => status, _ => 0);
        var categories = new List<CategoryTally>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (kind, key, count) = (reader.GetString(0), reader.GetString(1), (int)reader.GetInt64(2));
                if (kind == "health" && Enum.TryParse<HealthStatus>(key, out var status))
                {
                    byHealth[status] = count;
                }
                else if (kind == "category")
                {
                    categories.Add(new CategoryTally(key, count));
                }
            }
        }

        categories.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        return new StoreTallies(byHealth, categories);
    }

    /// <summary>
    /// Judges the sources written before the listing columns existed (migration 0011): their health and keys are
    /// written once, in batches; the tallies follow through their trigger. Safe when several processes open at once.
    /// </summary>
    private static async Task UpgradeSourceListingAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var select = dataSource.CreateCommand($"SELECT {SourceColumns.SelectList} FROM sources WHERE health IS NULL ORDER BY id LIMIT {ListingUpgradeBatchSize}");
            var sources = await ReadSourcesAsync(select, cancellationToken).ConfigureAwait(false);
            if (sources.Count == 0)
            {
                return;
            }

            await using var batch = dataSource.CreateBatch();
            foreach (var source in sources)
            {
                var update = new NpgsqlBatchCommand(SourceColumns.UpdateDerivedSql);
                SourceColumns.AddParameters(update.Parameters, source, withId: true);
                batch.BatchCommands.Add(update);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string EscapeLike(string text)
        => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
