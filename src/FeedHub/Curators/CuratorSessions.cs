using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace FeedHub.Curators;

/// <summary>
/// The sign-in cookie's server side: each sign-in is a <see cref="CuratorSession"/> in the store and the cookie
/// carries only its random key (whose hash is all the store keeps). A session ends when it is removed (sign-out,
/// password reset, curator removal, the sessions page), after <see cref="CuratorOptions.SessionIdleTimeout"/>
/// without use, or <see cref="CuratorOptions.SessionLifetime"/> after the sign-in; a replayed cookie of an ended
/// session finds nothing.
/// </summary>
public sealed class CuratorSessions(IFeedStore store, TimeProvider timeProvider, IOptions<CuratorOptions> options) : ITicketStore
{
    /// <summary>The ticket property that names the session a request came with (set when the ticket is read).</summary>
    public const string SessionIdProperty = ".feedhub.session";

    private const int ClientLength = 200;
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = timeProvider.GetUtcNow();
        // Sign-ins are rare: the moment to forget the sessions that ran out (an indexed delete).
        await store.RemoveExpiredSessionsAsync(now, cancellationToken).ConfigureAwait(false);
        var session = new CuratorSession
        {
            KeyHash = Hash(key),
            CuratorId = CuratorPrincipal.IdOf(ticket.Principal),
            CreatedAt = now,
            LastSeenAt = now,
            Client = Shorten(httpContext?.Request.Headers.UserAgent.ToString()),
            Address = httpContext?.Connection.RemoteIpAddress?.ToString(),
        };
        session.ExpiresAt = ExpiryOf(session, now);
        session.Ticket = TicketSerializer.Default.Serialize(Stamped(ticket, session));
        await store.AddSessionAsync(session, cancellationToken).ConfigureAwait(false);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null, CancellationToken.None);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        // An ended session stays ended: renewing never brings it back.
        if (await store.GetSessionAsync(Hash(key), cancellationToken).ConfigureAwait(false) is { } session)
        {
            session.Ticket = TicketSerializer.Default.Serialize(Stamped(ticket, session));
            await store.UpdateSessionAsync(session, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        var session = await store.GetSessionAsync(Hash(key), cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        if (session.ExpiresAt <= now)
        {
            await store.RemoveSessionAsync(session.Id, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var address = httpContext?.Connection.RemoteIpAddress?.ToString() ?? session.Address;
        if (now - session.LastSeenAt >= LastSeenResolution || address != session.Address)
        {
            session.LastSeenAt = now;
            session.Address = address;
            session.ExpiresAt = ExpiryOf(session, now);
            try
            {
                await store.UpdateSessionAsync(session, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception refused) when (StoreWrites.IsStorageFailure(refused))
            {
                // A store refusing writes (a full disk) keeps the curator signed in for the pages that only read.
            }
        }

        var ticket = TicketSerializer.Default.Deserialize(session.Ticket);
        if (ticket is null)
        {
            return null;
        }

        // The store decides when the session ends; the cookie handler reads it from here.
        ticket.Properties.ExpiresUtc = session.ExpiresAt;
        ticket.Properties.Items[SessionIdProperty] = session.Id.ToString(CultureInfo.InvariantCulture);
        return ticket;
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, null, CancellationToken.None);

    public async Task RemoveAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        if (await store.GetSessionAsync(Hash(key), cancellationToken).ConfigureAwait(false) is { } session)
        {
            await store.RemoveSessionAsync(session.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The id of the session the request came with, for the sessions page to mark it; null without one.</summary>
    public static async Task<long?> CurrentSessionIdAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        return result.Properties?.Items.TryGetValue(SessionIdProperty, out var id) == true
               && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    private DateTimeOffset ExpiryOf(CuratorSession session, DateTimeOffset now)
    {
        var limits = options.Value;
        var idle = now + limits.SessionIdleTimeout;
        var absolute = session.CreatedAt + limits.SessionLifetime;
        return idle < absolute ? idle : absolute;
    }

    /// <summary>The ticket as stored: without the per-request session property.</summary>
    private static AuthenticationTicket Stamped(AuthenticationTicket ticket, CuratorSession session)
    {
        var properties = ticket.Properties.Clone();
        properties.Items.Remove(SessionIdProperty);
        properties.ExpiresUtc = session.ExpiresAt;
        return new AuthenticationTicket(ticket.Principal, properties, ticket.AuthenticationScheme);
    }

    private static string? Shorten(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent) || userAgent.Length <= ClientLength)
        {
            return string.IsNullOrWhiteSpace(userAgent) ? null : userAgent;
        }

        // Never half a surrogate pair: a store may refuse such a string.
        var cut = char.IsHighSurrogate(userAgent[ClientLength - 1]) ? ClientLength - 1 : ClientLength;
        return userAgent[..cut] + "…";
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
