using Npgsql;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    public async Task<bool> RemoveCuratorAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM curators WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
