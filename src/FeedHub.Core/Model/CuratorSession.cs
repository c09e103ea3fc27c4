namespace FeedHub.Core.Model;

/// <summary>
/// One signed-in browser of a curator, kept on the server: the sign-in cookie carries only its key, so ending the
/// session here (sign-out, password reset, removal, or from the sessions page) ends it for good.
/// </summary>
public sealed class CuratorSession
{
    public long Id { get; set; }

    /// <summary>Lower-case hex SHA-256 of the session key the cookie carries (the key itself is never stored).</summary>
    public required string KeyHash { get; set; }

    public long CuratorId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The last request made with the session (kept to the minute).</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When the session ends unless used again: the sooner of its idle and absolute limits.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The browser's User-Agent when the curator signed in, shortened.</summary>
    public string? Client { get; set; }

    /// <summary>The client address the session was last used from.</summary>
    public string? Address { get; set; }

    /// <summary>The serialised authentication ticket (the curator's claims and the cookie's properties).</summary>
    public byte[] Ticket { get; set; } = [];
}
