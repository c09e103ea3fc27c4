namespace FeedHub.Core.Model;

/// <summary>A person who runs the planet: signs in to <c>/admin</c> with a password and calls <c>/api</c> with tokens.</summary>
public sealed class Curator
{
    public long Id { get; set; }

    /// <summary>Unique, compared without regard to case.</summary>
    public required string Name { get; set; }

    /// <summary>A salted, slow hash of the password; null when the curator only uses API tokens.</summary>
    public string? PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<ApiToken> Tokens { get; set; } = [];
}

/// <summary>An API token as stored: only its SHA-256 hash and a short prefix that lets a curator tell tokens apart.</summary>
public sealed class ApiToken
{
    /// <summary>Lower-case hex SHA-256 of the whole token.</summary>
    public required string Hash { get; set; }

    /// <summary>The first characters of the token, shown in lists.</summary>
    public required string Prefix { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}
