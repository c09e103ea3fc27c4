using Npgsql;

namespace FeedHub.Storage.Postgres;

/// <summary>Reading nullable columns.</summary>
internal static class Rows
{
    public static string? Text(NpgsqlDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    public static T? Value<T>(NpgsqlDataReader row, int ordinal) where T : struct
        => row.IsDBNull(ordinal) ? null : row.GetFieldValue<T>(ordinal);

    public static T? Enum<T>(NpgsqlDataReader row, int ordinal) where T : struct, System.Enum
        => row.IsDBNull(ordinal) ? null : System.Enum.Parse<T>(row.GetString(ordinal));
}
