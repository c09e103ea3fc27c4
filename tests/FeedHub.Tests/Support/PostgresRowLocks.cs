using Npgsql;

namespace FeedHub.Tests.Support;

/// <summary>
/// Orders concurrent writes on PostgreSQL without timing: a transaction holds a row, the writes under test queue
/// for it (seen waiting in <c>pg_stat_activity</c>), then the row is let go and they run in the order they queued.
/// </summary>
public sealed class PostgresRowLocks : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private PostgresRowLocks(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    /// <summary>
    /// The connection string with an application name to tell its connections apart by, and a lock timeout so that a
    /// wait that never ends fails the test rather than hanging it.
    /// </summary>
    public static string Named(string connectionString, string application)
        => new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = application, Options = "-c lock_timeout=60s" }.ConnectionString;

    /// <summary>Holds the row with this id of <paramref name="table"/> until <see cref="ReleaseAsync"/> (disposed before: rolled back).</summary>
    public static async Task<PostgresRowLocks> HoldAsync(string connectionString, string table, long id)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var lockRow = new NpgsqlCommand($"SELECT 1 FROM {table} WHERE id = @id FOR UPDATE", connection, transaction);
        lockRow.Parameters.Add(new NpgsqlParameter<long>("id", id));
        await lockRow.ExecuteNonQueryAsync();
        return new PostgresRowLocks(connection, transaction);
    }

    /// <summary>
    /// Returns once <paramref name="count"/> statements of <paramref name="application"/>'s connections that name
    /// <paramref name="table"/> wait for a lock; fails if <paramref name="write"/> ends first.
    /// </summary>
    public static async Task WaitUntilWaitingAsync(string connectionString, string application, string table, int count, Task write)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var waiting = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = @application AND wait_event_type = 'Lock' AND strpos(query, @table) > 0");
        waiting.Parameters.Add(new NpgsqlParameter<string>("application", application));
        waiting.Parameters.Add(new NpgsqlParameter<string>("table", table));
        while ((long)(await waiting.ExecuteScalarAsync())! < count)
        {
            Assert.False(write.IsCompleted, $"The write of {application} ended without waiting: {write.Exception?.InnerException?.Message}");
            await Task.Delay(10);
        }
    }

    /// <summary>Lets the row go: the writes queued for it run, in the order they queued.</summary>
    public Task ReleaseAsync() => _transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
