using FeedHub.Core.Model;
using Npgsql;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    private const string ImportBatchSelect = """
        SELECT b.id, b.origin, b.created_at, b.added, (SELECT count(*) FROM sources s WHERE s.import_batch = b.id)::integer
        FROM import_batches b
        """;

    public async Task<ImportBatch> AddImportBatchAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("INSERT INTO import_batches (origin, created_at, added) VALUES (@origin, @created_at, @added) RETURNING id");
        command.Parameters.Add(new NpgsqlParameter<string>("origin", batch.Origin));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created_at", Timestamps.ToStored(batch.CreatedAt)));
        command.Parameters.Add(new NpgsqlParameter<int>("added", batch.Added));
        batch.Id = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return batch;
    }

    public async Task UpdateImportBatchAsync(ImportBatch batch, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("UPDATE import_batches SET origin = @origin, added = @added WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", batch.Id));
        command.Parameters.Add(new NpgsqlParameter<string>("origin", batch.Origin));
        command.Parameters.Add(new NpgsqlParameter<int>("added", batch.Added));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImportBatch?> GetImportBatchAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"{ImportBatchSelect} WHERE b.id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (await ReadImportBatchesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ImportBatch>> ListImportBatchesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"{ImportBatchSelect} ORDER BY b.id DESC LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", Math.Max(1, limit)));
        return await ReadImportBatchesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<long>?> RemoveImportBatchAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var removeBatch = new NpgsqlCommand("DELETE FROM import_batches WHERE id = @id", connection, transaction))
        {
            removeBatch.Parameters.Add(new NpgsqlParameter<long>("id", id));
            if (await removeBatch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }
        }

        // Their rows held first, as a single removal holds its source's (HoldSourceForRemovalSql says why).
        var removed = new List<long>();
        await using (var listSources = new NpgsqlCommand("SELECT id FROM sources WHERE import_batch = @id ORDER BY id FOR UPDATE", connection, transaction))
        {
            listSources.Parameters.Add(new NpgsqlParameter<long>("id", id));
            await using var reader = await listSources.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                removed.Add(reader.GetInt64(0));
            }
        }

        // One source at a time: a story told first by one of them may pass to another that is removed next.
        foreach (var sourceId in removed)
        {
            await using var removeSource = new NpgsqlCommand(RemoveSourceSql, connection, transaction);
            removeSource.Parameters.Add(new NpgsqlParameter<long>("id", sourceId));
            removeSource.Parameters.Add(new NpgsqlParameter<bool>("keep_articles", false));
            await removeSource.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _versions.Wrote();
        return removed;
    }

    private static async Task<List<ImportBatch>> ReadImportBatchesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var batches = new List<ImportBatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batches.Add(new ImportBatch
            {
                Id = reader.GetInt64(0),
                Origin = reader.GetString(1),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
                Added = reader.GetInt32(3),
                Remaining = reader.GetInt32(4),
            });
        }

        return batches;
    }
}
