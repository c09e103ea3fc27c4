using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>
/// A fresh, empty database on the throwaway server named by <c>FEEDHUB_TEST_POSTGRES</c>, dropped afterwards.
/// Without that variable the tests fail: a store that was never exercised must not look green.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "FEEDHUB_TEST_POSTGRES";

    private readonly string _serverConnectionString;
    private readonly string _name = "feedhub_test_" + Guid.NewGuid().ToString("N");

    private PostgresTestDatabase(string serverConnectionString)
    {
        _serverConnectionString = serverConnectionString;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = _name }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{ServerVariable} is not set, so the PostgreSQL store cannot be tested. Run tests/run.sh, which starts a "
                + $"throwaway server, or start one yourself with: eval \"$(tests/postgres.sh start)\"");
        }

        var database = new PostgresTestDatabase(server);
        await database.ExecuteOnServerAsync($"CREATE DATABASE \"{database._name}\"");
        return database;
    }

    public async ValueTask DisposeAsync()
        => await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");

    private async Task ExecuteOnServerAsync(string sql)
    {
        var server = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
