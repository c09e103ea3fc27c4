using System.Security.Cryptography;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Curators;

/// <summary>
/// The first run: while no curator exists, each server start issues a one-time set-up token (printed on the console
/// as a link) that creates the first curator without stopping the server. Only the token's hash is kept, in the
/// store, so any web node sharing it accepts the link; a new start replaces the token, and once a curator exists
/// every token is dead.
/// </summary>
public sealed class CuratorSetup(IFeedStore store, CuratorAccounts accounts, TimeProvider timeProvider)
{
    public const string Path = "/admin/setup";
    internal const string TokenSetting = "curator-setup-token";

    /// <summary>A new set-up token while no curator exists (it replaces any earlier one); null once one does.</summary>
    public async Task<string?> IssueTokenAsync(CancellationToken cancellationToken)
    {
        if (await AnyCuratorAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await store.SetSettingAsync(TokenSetting, Hash(token), cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Whether the set-up token can still be used: no curator exists yet.</summary>
    public async Task<bool> IsOpenAsync(CancellationToken cancellationToken) => !await AnyCuratorAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Creates the first curator, with a password (for <c>/admin</c>) and a first API token returned once. Refused
    /// (<see cref="CuratorSetupException"/>) once a curator exists or when the token is not the current one; a token
    /// works once, even when two requests race.
    /// </summary>
    public async Task<(Curator Curator, string ApiToken)> CreateFirstCuratorAsync(string token, string name, string password, CancellationToken cancellationToken)
    {
        if (await AnyCuratorAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new CuratorSetupException(CuratorSetupRefusal.CuratorExists, "FeedHub has a curator already, so the set-up link is dead; sign in at /admin/signin");
        }

        var stored = await store.GetSettingAsync(TokenSetting, cancellationToken).ConfigureAwait(false);
        var hash = Hash(token);
        if (stored is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(hash)))
        {
            throw new CuratorSetupException(CuratorSetupRefusal.WrongToken, "this set-up token is not the current one; use the link the server printed at its last start");
        }

        CuratorAccounts.CheckNewAccount(name, password);
        if (!await store.ClaimSettingAsync($"{TokenSetting}-used:{hash}", timeProvider.GetUtcNow().ToString("O"), cancellationToken).ConfigureAwait(false))
        {
            throw new CuratorSetupException(CuratorSetupRefusal.CuratorExists, "this set-up link has been used already; sign in at /admin/signin");
        }

        return await accounts.CreateAsync(name, password, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> AnyCuratorAsync(CancellationToken cancellationToken)
        => (await store.ListCuratorsAsync(cancellationToken).ConfigureAwait(false)).Count > 0;

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

public enum CuratorSetupRefusal
{
    WrongToken,
    CuratorExists,
}

/// <summary>Why the first curator was not created.</summary>
public sealed class CuratorSetupException(CuratorSetupRefusal refusal, string message) : Exception(message)
{
    public CuratorSetupRefusal Refusal { get; } = refusal;
}
