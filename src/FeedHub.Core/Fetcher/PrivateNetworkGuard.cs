using System.Net;
using System.Net.Sockets;

namespace FeedHub.Core.Fetcher;

/// <summary>
/// Refuses addresses that are not on the public internet (loopback, private ranges, link-local such as the cloud
/// metadata address 169.254.169.254, multicast and reserved), so a feed URL cannot be used to reach inside the network.
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
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
                     || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                     || (b[0] == 169 && b[1] == 254)
                     || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2))
                     || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
                     || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                     || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal || address.IsIPv6Teredo)
            {
                return false;
            }

            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            var nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b;
            var documentation = b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
            var ipv4Compatible = b[..12].IndexOfAnyExcept((byte)0) < 0;
            return !(nat64 || documentation || ipv4Compatible);
        }

        return false;
    }

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
