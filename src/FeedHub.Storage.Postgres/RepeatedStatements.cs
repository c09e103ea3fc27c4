using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>
/// Connections for code that runs the same few dozen statements again and again (the store's poll path, Quartz's
/// firing of triggers): statements are prepared after a few uses, unless the connection string says how many (0:
/// never, for a pooler that cannot keep them), so PostgreSQL neither parses nor plans them again, and a connection
/// given back to the pool keeps its plans, those of the triggers every article insert runs too. Nor is the connection
/// reset when given back (unless the connection string says so): Npgsql would otherwise run a DISCARD ALL or five
/// statements (RESET ALL, CLOSE ALL, pg_advisory_unlock_all() ...) at its next use, more than a 304 poll's own, to
/// undo what such code never does (no SET, LISTEN, cursor, temporary table or session lock; a transaction left open
/// is rolled back either way), and would drop the prepared statements.
/// </summary>
public static class RepeatedStatements
{
    /// <summary>More than the distinct statements of the poll path or of a trigger's firing, so none pushes another out.</summary>
    private const int AutoPreparedStatements = 64;

    /// <summary><paramref name="connectionString"/> with statements prepared and no reset, unless it says otherwise.</summary>
    public static string ConnectionString(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = AutoPreparedStatements;
        }

        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
