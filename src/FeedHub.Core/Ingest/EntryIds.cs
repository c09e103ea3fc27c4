using System.Globalization;
using System.Security.Cryptography;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Ingest;

/// <summary>
/// The ids FeedHub's feeds give their entries: RFC 4151 <c>tag:</c> URIs minted once, when an article is first
/// stored, and kept with it. They name the authority that minted them (the public host, or this installation), the
/// day the article was first seen and the article's source and key, so they never depend on how a feed was reached.
/// </summary>
public static class EntryIds
{
    /// <summary>The setting holding this installation's own authority, for entries minted while no public address is set.</summary>
    public const string InstallationAuthoritySetting = "entry-id-authority";

    public static string Mint(string authority, DateTimeOffset firstSeenAt, long sourceId, string articleKey)
        => string.Create(CultureInfo.InvariantCulture,
            $"tag:{authority},{firstSeenAt.UtcDateTime:yyyy-MM-dd}:source/{sourceId}/{Digests.Sha256Hex(articleKey, 8)}");

    /// <summary>
    /// The id of one of this installation's feeds (<paramref name="name"/> says which: its path and filters, never its
    /// page or host), minted from the installation's own authority, so it stays the same whatever address the feed is
    /// read at, on every node, and when the public address changes. The date is fixed: the authority is a name under
    /// <c>.invalid</c>, nobody's at any date, and a date of the day would change the id.
    /// </summary>
    public static string Feed(string installationAuthority, string name)
        => $"tag:{installationAuthority},2000:{name}";

    /// <summary>A fresh authority for a new installation: a name under <c>.invalid</c> (nobody's domain) with a random part.</summary>
    public static string NewInstallationAuthority()
        => $"feedhub-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.invalid";

    /// <summary>This installation's authority, created once and kept in the store (the first process to ask creates it).</summary>
    public static async Task<string> InstallationAuthorityAsync(IFeedStore store, CancellationToken cancellationToken)
    {
        // Read first: the digest feed asks on every render, and a read path must not write (a full disk, a read replica).
        if (await store.GetSettingAsync(InstallationAuthoritySetting, cancellationToken).ConfigureAwait(false) is { } kept)
        {
            return kept;
        }

        await store.ClaimSettingAsync(InstallationAuthoritySetting, NewInstallationAuthority(), cancellationToken).ConfigureAwait(false);
        return await store.GetSettingAsync(InstallationAuthoritySetting, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The store lost the installation's entry id authority it had just claimed.");
    }
}
