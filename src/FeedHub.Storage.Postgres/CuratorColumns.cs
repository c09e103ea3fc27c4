using System.Text.Json;
using FeedHub.Core.Model;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Postgres;

/// <summary>Curator rows: the tokens travel as a JSON array of their stored fields.</summary>
internal static class CuratorColumns
{
    public const string SelectList = "id, name, password_hash, created_at, tokens";

    public static void AddParameters(NpgsqlParameterCollection parameters, Curator curator)
    {
        parameters.Add(new NpgsqlParameter<string>("name", curator.Name));
        parameters.Add(new NpgsqlParameter("password_hash", NpgsqlDbType.Text) { Value = (object?)curator.PasswordHash ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("created_at", Timestamps.ToStored(curator.CreatedAt)));
        parameters.Add(new NpgsqlParameter("tokens", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(curator.Tokens.Select(ToStored).ToList()) });
    }

    /// <summary>The JSON a token array must contain for one of its tokens to have this hash.</summary>
    public static string TokenHashFilter(string tokenHash) => JsonSerializer.Serialize(new[] { new { Hash = tokenHash } });

    public static Curator Read(NpgsqlDataReader row) => new()
    {
        Id = row.GetInt64(0),
        Name = row.GetString(1),
        PasswordHash = Rows.Text(row, 2),
        CreatedAt = row.GetFieldValue<DateTimeOffset>(3),
        Tokens = JsonSerializer.Deserialize<List<StoredToken>>(row.GetString(4))!.Select(t => new ApiToken
        {
            Hash = t.Hash, Prefix = t.Prefix, CreatedAt = t.CreatedAt, LastUsedAt = t.LastUsedAt, RevokedAt = t.RevokedAt,
        }).ToList(),
    };

    private static StoredToken ToStored(ApiToken token) => new(
        token.Hash, token.Prefix, Timestamps.ToStored(token.CreatedAt), Timestamps.ToStored(token.LastUsedAt), Timestamps.ToStored(token.RevokedAt));

    private sealed record StoredToken(string Hash, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
}
