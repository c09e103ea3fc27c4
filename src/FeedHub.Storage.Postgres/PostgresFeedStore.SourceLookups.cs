using FeedHub.Core.Model;
using Npgsql;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    public async Task<IReadOnlyList<Source>> GetSourcesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand($"SELECT {SourceColumns.SelectList} FROM sources WHERE id = ANY (@ids) ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", [.. ids.Distinct()]));
        return await ReadSourcesAsync(command, cancellationToken).ConfigureAwait(false);
    }
}
