using System.Security.Cryptography;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Microsoft.AspNetCore.Identity;

namespace FeedHub.Curators;

/// <summary>
/// Curator accounts: creation, password checks and API tokens. Passwords are kept as ASP.NET Core Identity hashes;
/// tokens are shown once and kept as their SHA-256 (they are long random secrets, so a fast hash is enough).
/// </summary>
public sealed class CuratorAccounts(IFeedStore store, IPasswordHasher<Curator> hasher, TimeProvider timeProvider)
{
    public const string TokenMarker = "fh_";
    private const int TokenPrefixLength = 10;
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// What a password is checked against when the name is unknown (or has no password): the same hashing work as
    /// for a real curator, so the time a refusal takes does not tell whether the name exists.
    /// </summary>
    private readonly Lazy<(Curator Nobody, string Hash)> _decoy = new(() =>
    {
        var nobody = new Curator { Name = string.Empty };
        return (nobody, hasher.HashPassword(nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    });

    /// <summary>Creates a curator with a first API token; the token's text is returned once and never stored.</summary>
    public async Task<(Curator Curator, string Token)> CreateAsync(string name, string? password, CancellationToken cancellationToken)
    {
        name = name.Trim();
        CheckNewAccount(name, password);
        if (await store.GetCuratorByNameAsync(name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new CuratorAccountException($"there is already a curator named '{name}'");
        }

        var curator = new Curator { Name = name, CreatedAt = timeProvider.GetUtcNow() };
        if (password is not null)
        {
            curator.PasswordHash = HashPassword(curator, password);
        }

        var token = NewToken(curator);
        await store.AddCuratorAsync(curator, cancellationToken).ConfigureAwait(false);
        return (curator, token);
    }

    /// <summary>Throws <see cref="CuratorAccountException"/> when a new account could not have this name or password.</summary>
    public static void CheckNewAccount(string name, string? password)
    {
        name = name.Trim();
        if (name.Length is 0 or > 64 || name.Any(char.IsControl))
        {
            throw new CuratorAccountException("a curator name has 1 to 64 printable characters");
        }

        if (password is not null)
        {
            CheckPassword(password);
        }
    }

    /// <summary>
    /// The curator whose name and password match; null otherwise, with the same answer and the same hashing work for
    /// an unknown name.
    /// </summary>
    public async Task<Curator?> CheckPasswordAsync(string name, string password, CancellationToken cancellationToken)
    {
        // No curator's name holds a control character (CheckNewAccount), and PostgreSQL refuses U+0000 in a parameter.
        var curator = name.Any(char.IsControl) ? null : await store.GetCuratorByNameAsync(name.Trim(), cancellationToken).ConfigureAwait(false);
        if (curator?.PasswordHash is not { } hash)
        {
            var (nobody, decoy) = _decoy.Value;
            hasher.VerifyHashedPassword(nobody, decoy, password);
            return null;
        }

        switch (hasher.VerifyHashedPassword(curator, hash, password))
        {
            case PasswordVerificationResult.Success:
                return curator;
            case PasswordVerificationResult.SuccessRehashNeeded:
                // Unless the password was changed meanwhile: the rehash must not bring the old one back.
                var rehashed = hasher.HashPassword(curator, password);
                return await store.ChangeCuratorAsync(curator.Id, stored =>
                {
                    var unchanged = stored.PasswordHash == hash;
                    stored.PasswordHash = unchanged ? rehashed : stored.PasswordHash;
                    return unchanged;
                }, cancellationToken).ConfigureAwait(false);
            default:
                return null;
        }
    }

    /// <summary>
    /// The curator holding this active token, recording when it was last used; null for unknown or revoked tokens,
    /// and for a token revoked while its use was being recorded.
    /// </summary>
    public async Task<Curator?> AuthenticateTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(TokenMarker, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = HashToken(token);
        var curator = await store.FindCuratorByTokenHashAsync(hash, cancellationToken).ConfigureAwait(false);
        var held = curator?.Tokens.Find(t => t.Hash == hash);
        if (curator is null || held is not { IsActive: true })
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        if (held.LastUsedAt is null || now - held.LastUsedAt >= LastUsedResolution)
        {
            try
            {
                var stillHeld = false;
                curator = await store.ChangeCuratorAsync(curator.Id, stored =>
                {
                    if (stored.Tokens.Find(t => t.Hash == hash) is not { IsActive: true } used)
                    {
                        return false;
                    }

                    used.LastUsedAt = now;
                    return stillHeld = true;
                }, cancellationToken).ConfigureAwait(false);
                if (!stillHeld)
                {
                    return null;
                }
            }
            catch (Exception refused) when (StoreWrites.IsStorageFailure(refused))
            {
                // When the token was last used is a note for the curator: a store refusing writes (a full disk) must
                // not refuse the request that reads.
            }
        }

        return curator;
    }

    /// <summary>Gives a curator a new token; its text is returned once.</summary>
    public async Task<string> IssueTokenAsync(string curatorName, CancellationToken cancellationToken)
    {
        var token = string.Empty;
        if (await store.GetCuratorByNameAsync(curatorName, cancellationToken).ConfigureAwait(false) is not { } curator
            || await store.ChangeCuratorAsync(curator.Id, stored =>
            {
                token = NewToken(stored);
                return true;
            }, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new CuratorAccountException($"there is no curator named '{curatorName}'");
        }

        return token;
    }

    /// <summary>Revokes one of a curator's tokens, named by its prefix. False when the curator holds no such active token.</summary>
    public async Task<bool> RevokeTokenAsync(string curatorName, string prefix, CancellationToken cancellationToken)
    {
        if (await store.GetCuratorByNameAsync(curatorName, cancellationToken).ConfigureAwait(false) is not { } curator)
        {
            return false;
        }

        var revoked = false;
        await store.ChangeCuratorAsync(curator.Id, stored =>
        {
            var held = stored.Tokens.Find(t => t.IsActive && t.Prefix == prefix);
            held?.RevokedAt = timeProvider.GetUtcNow();
            return revoked = held is not null;
        }, cancellationToken).ConfigureAwait(false);
        return revoked;
    }

    /// <summary>Every curator, oldest first.</summary>
    public Task<IReadOnlyList<Curator>> ListAsync(CancellationToken cancellationToken) => store.ListCuratorsAsync(cancellationToken);

    /// <summary>Removes a curator: their tokens and their sign-in sessions (kept on the server) end at once.</summary>
    public async Task RemoveAsync(string curatorName, CancellationToken cancellationToken)
    {
        var curator = await FindAsync(curatorName, cancellationToken).ConfigureAwait(false);
        await store.RemoveCuratorAsync(curator.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets a new password and ends every sign-in session of the curator; API tokens are kept (revoke them with
    /// <see cref="RevokeAllTokensAsync"/>).
    /// </summary>
    public async Task ResetPasswordAsync(string curatorName, string password, CancellationToken cancellationToken)
    {
        var curator = await FindAsync(curatorName, cancellationToken).ConfigureAwait(false);
        var hash = HashPassword(curator, password);
        await store.ChangeCuratorAsync(curator.Id, stored =>
        {
            stored.PasswordHash = hash;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        await store.RemoveCuratorSessionsAsync(curator.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes every active API token of a curator; returns how many were active.</summary>
    public async Task<int> RevokeAllTokensAsync(string curatorName, CancellationToken cancellationToken)
    {
        var curator = await FindAsync(curatorName, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var revoked = 0;
        await store.ChangeCuratorAsync(curator.Id, stored =>
        {
            var active = stored.Tokens.Where(t => t.IsActive).ToList();
            active.ForEach(token => token.RevokedAt = now);
            return (revoked = active.Count) > 0;
        }, cancellationToken).ConfigureAwait(false);
        return revoked;
    }

    private async Task<Curator> FindAsync(string curatorName, CancellationToken cancellationToken)
        => await store.GetCuratorByNameAsync(curatorName.Trim(), cancellationToken).ConfigureAwait(false)
           ?? throw new CuratorAccountException($"there is no curator named '{curatorName}'; see feedhub curators list");

    private string HashPassword(Curator curator, string password)
    {
        CheckPassword(password);
        return hasher.HashPassword(curator, password);
    }

    private static void CheckPassword(string password)
    {
        if (password.Length < 8)
        {
            throw new CuratorAccountException("a password needs at least 8 characters");
        }
    }

    private string NewToken(Curator curator)
    {
        var token = TokenMarker + Base64Url(RandomNumberGenerator.GetBytes(32));
        curator.Tokens.Add(new ApiToken { Hash = HashToken(token), Prefix = token[..TokenPrefixLength], CreatedAt = timeProvider.GetUtcNow() });
        return token;
    }

    private static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A curator account request that cannot be done, with the reason in words.</summary>
public sealed class CuratorAccountException(string message) : Exception(message);
