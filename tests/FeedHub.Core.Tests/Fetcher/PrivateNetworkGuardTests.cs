using System.Net;
using FeedHub.Core.Fetcher;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Tests.Fetcher;

/// <summary>The IPv6 forms that carry a private or loopback IPv4 address inside them, and the prefixes that lead nowhere public.</summary>
public sealed class PrivateNetworkGuardTests
{
    [Theory]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped
    [InlineData("::ffff:0:7f00:1")] // SIIT IPv4-translated 127.0.0.1
    [InlineData("::ffff:0:a00:1")] // SIIT IPv4-translated 10.0.0.1
    [InlineData("::ffff:0:a9fe:a9fe")] // SIIT IPv4-translated 169.254.169.254
    [InlineData("::127.0.0.1")] // IPv4-compatible (deprecated)
    [InlineData("2002:7f00:1::1")] // 6to4 of 127.0.0.1
    [InlineData("2002:c0a8:101::1")] // 6to4 of 192.168.1.1
    [InlineData("2002:a9fe:a9fe::")] // 6to4 of 169.254.169.254
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")] // Teredo (its client address is 127.0.0.1, obfuscated)
    [InlineData("2001::1")] // Teredo prefix
    [InlineData("64:ff9b::7f00:1")] // NAT64 of 127.0.0.1
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    [InlineData("100::1")] // discard-only
    [InlineData("100::ffff:ffff:ffff:ffff")]
    [InlineData("2001:db8::1")] // documentation
    [InlineData("3fff::1")] // documentation (RFC 9637)
    [InlineData("2001:2::1")] // benchmarking
    [InlineData("192.0.2.1")] // TEST-NET-1
    [InlineData("198.51.100.7")] // TEST-NET-2
    [InlineData("203.0.113.200")] // TEST-NET-3
    [InlineData("192.88.99.1")] // 6to4 relay anycast
    public void Refuses(string address)
        => Assert.False(PrivateNetworkGuard.IsPublic(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("2002:5db8:d822::1")] // 6to4 of 93.184.216.34, a public address
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("2606:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("101::1")] // next to the discard prefix
    [InlineData("2001:db9::1")] // next to the documentation prefix
    [InlineData("192.0.3.1")]
    [InlineData("203.0.114.1")]
    public void Allows(string address)
        => Assert.True(PrivateNetworkGuard.IsPublic(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("http://[2002:7f00:1::1]/feed")]
    [InlineData("http://[::ffff:0:7f00:1]/feed")]
    [InlineData("http://[100::1]/feed")]
    [InlineData("http://[2001:db8::1]/feed")]
    [InlineData("http://198.51.100.1/feed")]
    public async Task The_fetcher_refuses_them_before_connecting(string url)
    {
        var options = new FetcherOptions();
        var fetcher = new FeedFetcher(new HttpClient(FeedFetcher.CreateHandler(options, PrivateNetworkGuard.IsPublic)), Options.Create(options),
            new HostThrottle(8, 2), TimeProvider.System, NullLogger<FeedFetcher>.Instance);

        var refusal = await fetcher.CheckUrlAsync(new Uri(url), CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Contains("does not fetch from", refusal, StringComparison.Ordinal);
    }
}
