using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>Content versions from <c>content_versions</c>, kept by triggers on articles and sources (migration 0013): one primary-key look-up per scope.</summary>
public sealed partial class PostgresFeedStore
{
    public async Task<long> GetContentVersionAsync(IReadOnlyCollection<ContentScope> scopes, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT coalesce(sum(version), 0)::bigint FROM content_versions WHERE scope = ANY (@scopes)");
        command.Parameters.Add(new NpgsqlParameter<string[]>("scopes", [.. scopes.Select(s => s.Key).Append(ContentScope.Sources.Key).Distinct()]));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// One range of the primary key: hours' names ('hour:YYYY-MM-DDTHH', collation "C") sort as the hours do, so the
    /// rows from the first hour's to the last's are those hours' (an hour without a row has version 0), read in one
    /// statement with the version of the sources, which each hour's version includes.
    /// </summary>
    public async Task<IReadOnlyDictionary<ContentScope, long>> GetHourVersionsAsync(TimeRange period, CancellationToken cancellationToken)
    {
        var hours = ContentScope.Hours(period.Start, period.End).ToList();
        if (hours.Count == 0)
        {
            return new Dictionary<ContentScope, long>();
        }

        await using var command = _dataSource.CreateCommand(
            "SELECT scope, version FROM content_versions WHERE scope BETWEEN @first AND @last OR scope = @sources");
        command.Parameters.Add(new NpgsqlParameter<string>("first", hours[0].Key));
        command.Parameters.Add(new NpgsqlParameter<string>("last", hours[^1].Key));
        command.Parameters.Add(new NpgsqlParameter<string>("sources", ContentScope.Sources.Key));
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var sources = stored.GetValueOrDefault(ContentScope.Sources.Key);
        return hours.ToDictionary(hour => hour, hour => stored.GetValueOrDefault(hour.Key) + sources);
    }
}
