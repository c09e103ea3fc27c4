using System.Net;
using System.Net.Sockets;

namespace FeedHub.Core.Fetcher;

/// <summary>
/// Refuses addresses that are not on the public internet (loopback, private ranges, link-local such as the cloud
/// metadata address 169.254.169.254, multicast, reserved, documentation and discard prefixes), also when an IPv6
/// address carries one inside it (IPv4-mapped and -translated, 6to4, NAT64, Teredo), so a feed URL cannot be used to
/// reach inside the network.
/// </summary>
public static class PrivateNetworkGuard
{
    public const string HowToAllow = "set FeedHub:Fetcher:AllowPrivateNetworks=true (environment: FeedHub__Fetcher__AllowPrivateNetworks=true) to allow feeds on private networks";

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return IsPublicV4(v4);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal || address.IsIPv6Teredo)
        {
            // Teredo (2001::/32) hides the IPv4 addresses of its server and client: no way to tell where it leads.
            return false;
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var ipv4Compatible = b[..12].IndexOfAnyExcept((byte)0) < 0;
        // SIIT IPv4-translated addresses, ::ffff:0:a.b.c.d (RFC 2765).
        var ipv4Translated = b[..8].IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0;
        // NAT64, well-known 64:ff9b::/96 and local-use 64:ff9b:1::/48 (RFC 6052, 8215): translated by a gateway to any IPv4 address.
        var nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b;
        // Discard-only 100::/64 (RFC 6666).
        var discard = b[0] == 0x01 && b[1] == 0x00 && b[2..8].IndexOfAnyExcept((byte)0) < 0;
        // Documentation 2001:db8::/32 and 3fff::/20 (RFC 3849, 9637); benchmarking 2001:2::/48 (RFC 5180).
        var documentation = (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) || (b[0] == 0x3f && b[1] == 0xff && b[2] < 0x10);
        var benchmarking = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x02 && b[4] == 0 && b[5] == 0;
        if (ipv4Compatible || ipv4Translated || nat64 || discard || documentation || benchmarking)
        {
            return false;
        }

        // 6to4, 2002:a.b.c.d::/48 (RFC 3056): the relay sends it on to the embedded IPv4 address.
        var sixToFour = b[0] == 0x20 && b[1] == 0x02;
        return !sixToFour || IsPublicV4(b[2..6]);
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b)
        => !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
             || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
             || (b[0] == 169 && b[1] == 254)
             || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
             || (b[0] == 192 && b[1] == 168)
             || (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2))
             || (b[0] == 192 && b[1] == 88 && b[2] == 99)
             || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
             || (b[0] == 198 && b[1] == 51 && b[2] == 100)
             || (b[0] == 203 && b[1] == 0 && b[2] == 113));

    /// <summary>Resolves a host and returns its public addresses; throws <see cref="BlockedAddressException"/> if there are none.</summary>
    public static Task<IPAddress[]> ResolvePublicAsync(string host, CancellationToken cancellationToken)
        => ResolveAllowedAsync(host, IsPublic, cancellationToken);

    internal static async Task<IPAddress[]> ResolveAllowedAsync(string host, Func<IPAddress, bool> isAllowed, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(isAllowed).ToArray();
        if (allowed.Length == 0)
        {
            var shown = addresses.Length == 0 ? "no address" : string.Join(", ", addresses.Select(a => a.ToString()));
            throw new BlockedAddressException(
                $"{host} resolves to {shown}, a private, loopback or link-local address that FeedHub does not fetch from; {HowToAllow}");
        }

        return allowed;
    }
}

public sealed class BlockedAddressException(string message) : Exception(message);
