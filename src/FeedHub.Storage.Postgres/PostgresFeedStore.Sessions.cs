using FeedHub.Core.Model;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    private const string SessionSelect = "SELECT id, key_hash, curator_id, created_at, last_seen_at, expires_at, client, address, ticket FROM curator_sessions";

    public async Task<CuratorSession> AddSessionAsync(CuratorSession session, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO curator_sessions (key_hash, curator_id, created_at, last_seen_at, expires_at, client, address, ticket)
            VALUES (@key_hash, @curator_id, @created_at, @last_seen_at, @expires_at, @client, @address, @ticket) RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("key_hash", session.KeyHash));
        command.Parameters.Add(new NpgsqlParameter<long>("curator_id", session.CuratorId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created_at", Timestamps.ToStored(session.CreatedAt)));
        AddChangingParameters(command.Parameters, session);
        session.Id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return session;
    }

    public async Task<CuratorSession?> GetSessionAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"{SessionSelect} WHERE key_hash = @key_hash");
        command.Parameters.Add(new NpgsqlParameter<string>("key_hash", keyHash));
        return (await ReadSessionsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task UpdateSessionAsync(CuratorSession session, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            UPDATE curator_sessions SET last_seen_at = @last_seen_at, expires_at = @expires_at, client = @client, address = @address, ticket = @ticket
            WHERE id = @id
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("id", session.Id));
        AddChangingParameters(command.Parameters, session);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CuratorSession>> ListSessionsAsync(long curatorId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"{SessionSelect} WHERE curator_id = @curator_id ORDER BY last_seen_at DESC, id DESC");
        command.Parameters.Add(new NpgsqlParameter<long>("curator_id", curatorId));
        return await ReadSessionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveSessionAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM curator_sessions WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<int> RemoveCuratorSessionsAsync(long curatorId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM curator_sessions WHERE curator_id = @curator_id");
        command.Parameters.Add(new NpgsqlParameter<long>("curator_id", curatorId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> RemoveExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM curator_sessions WHERE expires_at < @now");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", Timestamps.ToStored(now)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddChangingParameters(NpgsqlParameterCollection parameters, CuratorSession session)
    {
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("last_seen_at", Timestamps.ToStored(session.LastSeenAt)));
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires_at", Timestamps.ToStored(session.ExpiresAt)));
        parameters.Add(new NpgsqlParameter("client", NpgsqlDbType.Text) { Value = (object?)session.Client ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter("address", NpgsqlDbType.Text) { Value = (object?)session.Address ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter<byte[]>("ticket", session.Ticket));
    }

    private static async Task<List<CuratorSession>> ReadSessionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var sessions = new List<CuratorSession>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(new CuratorSession
            {
                Id = reader.GetInt64(0),
                KeyHash = reader.GetString(1),
                CuratorId = reader.GetInt64(2),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(3),
                LastSeenAt = reader.GetFieldValue<DateTimeOffset>(4),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(5),
                Client = Rows.Text(reader, 6),
                Address = Rows.Text(reader, 7),
                Ticket = reader.GetFieldValue<byte[]>(8),
            });
        }

        return sessions;
    }
}
