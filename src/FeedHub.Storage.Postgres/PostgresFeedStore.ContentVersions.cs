using System.Globalization;
using FeedHub.Core.Storage;
using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Content versions from <c>content_versions</c>, kept by triggers on articles and sources (migration 0013): from
/// memory while <see cref="ContentVersionMirror"/> follows them (migration 0022), else by primary-key look-ups and ranges.
/// </summary>
public sealed partial class PostgresFeedStore
{
    /// <summary>Versions read from the database because the memory did not follow them (for tests and measurements).</summary>
    private long _versionQueries;

    internal long VersionQueries => Interlocked.Read(ref _versionQueries);

    internal ContentVersionMirror ContentVersions => _versions;

    /// <summary>
    /// The sum of the scopes' versions. Hours come in runs (a digest day is 24 of them, its calendar's month 745): each
    /// run is read as one range of the primary key (hours' names sort as the hours do), not one probe per hour, which
    /// for a month cost 13.6 ms and 1,520 buffers against 0.4 ms and 35 on every warm request of /digest.
    /// </summary>
    public async Task<long> GetContentVersionAsync(IReadOnlyCollection<ContentScope> scopes, CancellationToken cancellationToken)
    {
        if (await _versions.CurrentAsync(cancellationToken).ConfigureAwait(false))
        {
            return _versions.Sum(scopes.Select(s => s.Key).Append(ContentScope.Sources.Key));
        }

        Interlocked.Increment(ref _versionQueries);
        var (firsts, lasts) = HourRuns(scopes);
        await using var command = _dataSource.CreateCommand("""
            SELECT ((SELECT coalesce(sum(version), 0) FROM content_versions WHERE scope = ANY (@scopes))
                + (SELECT coalesce(sum(hour.version), 0) FROM unnest(@firsts::text[], @lasts::text[]) AS run(first, last)
                   CROSS JOIN LATERAL (SELECT version FROM content_versions WHERE scope BETWEEN run.first AND run.last) AS hour))::bigint
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]>("scopes", [.. scopes.Select(s => s.Key).Where(key => !IsHour(key)).Append(ContentScope.Sources.Key).Distinct()]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("firsts", firsts));
        command.Parameters.Add(new NpgsqlParameter<string[]>("lasts", lasts));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private const string HourPrefix = "hour:";

    private static bool IsHour(string key) => key.StartsWith(HourPrefix, StringComparison.Ordinal);

    /// <summary>The hours among <paramref name="scopes"/> as runs of consecutive hours: each run's first and last hour's names.</summary>
    internal static (string[] Firsts, string[] Lasts) HourRuns(IEnumerable<ContentScope> scopes)
    {
        var hours = scopes.Select(s => s.Key).Where(IsHour).Distinct()
            .Select(key => DateTime.ParseExact(key.AsSpan(HourPrefix.Length), "yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal))
            .Order().ToList();
        var (firsts, lasts) = (new List<string>(), new List<string>());
        for (var i = 0; i < hours.Count; i++)
        {
            var first = hours[i];
            while (i + 1 < hours.Count && hours[i + 1] == hours[i].AddHours(1))
            {
                i++;
            }

            firsts.Add(ContentScope.Hour(new DateTimeOffset(first, TimeSpan.Zero)).Key);
            lasts.Add(ContentScope.Hour(new DateTimeOffset(hours[i], TimeSpan.Zero)).Key);
        }

        return ([.. firsts], [.. lasts]);
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

        if (await _versions.CurrentAsync(cancellationToken).ConfigureAwait(false))
        {
            var version = _versions.Versions([.. hours.Select(h => h.Key), ContentScope.Sources.Key]);
            return hours.Select((hour, i) => (hour, i)).ToDictionary(h => h.hour, h => version[h.i] + version[^1]);
        }

        Interlocked.Increment(ref _versionQueries);
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
