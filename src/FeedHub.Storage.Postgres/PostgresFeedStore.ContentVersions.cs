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
}
