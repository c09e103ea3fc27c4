using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Model;
using FeedHub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Tests.Fetcher;

public sealed class FeedFetcherTests
{
    private const string Rss = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

    /// <summary>In these tests the server on 127.0.0.1 stands for the public internet; every other private address stays blocked.</summary>
    private static bool LoopbackOneIsPublic(IPAddress address) => address.Equals(IPAddress.Loopback) || PrivateNetworkGuard.IsPublic(address);

    private static FeedFetcher CreateFetcher(FetcherOptions? options = null, Func<IPAddress, bool>? isAllowed = null, bool guardOn = false)
    {
        options ??= new FetcherOptions();
        var handler = FeedFetcher.CreateHandler(options, guardOn ? PrivateNetworkGuard.IsPublic : isAllowed ?? LoopbackOneIsPublic);
        return new FeedFetcher(new HttpClient(handler), Options.Create(options), new HostThrottle(8, 2), TimeProvider.System, NullLogger<FeedFetcher>.Instance);
    }

    [Fact]
    public async Task Conditional_get_round_trip_ends_in_304()
    {
        await using var server = LocalHttpServer.Serving(request => request.Header("If-None-Match") == "\"v1\""
            ? new HttpReply(304, [], [("ETag", "\"v1\"")])
            : HttpReply.Text(200, Rss, "application/rss+xml", ("ETag", "\"v1\""), ("Last-Modified", "Tue, 03 Nov 2026 10:00:00 GMT")));
        var fetcher = CreateFetcher();

        var first = await fetcher.FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);
        var second = await fetcher.FetchAsync(new FetchRequest(server.Url("feed"), first.ETag, first.LastModified), CancellationToken.None);

        Assert.Equal(FetchOutcome.Ok, first.Outcome);
        Assert.Equal(Rss, Encoding.UTF8.GetString(first.Body));
        Assert.Equal("\"v1\"", first.ETag);
        Assert.Equal("Tue, 03 Nov 2026 10:00:00 GMT", first.LastModified);
        Assert.Equal(FetchOutcome.NotModified, second.Outcome);
        Assert.Equal(304, second.StatusCode);
        var conditional = server.Requests.Last();
        Assert.Equal("\"v1\"", conditional.Header("If-None-Match"));
        Assert.Equal("Tue, 03 Nov 2026 10:00:00 GMT", conditional.Header("If-Modified-Since"));
    }

    [Fact]
    public async Task Gzip_bodies_are_decompressed_and_the_request_says_who_we_are()
    {
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Bytes(200, Gzip(Encoding.UTF8.GetBytes(Rss)), "application/rss+xml", ("Content-Encoding", "gzip")));
        var result = await CreateFetcher().FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(Rss, Encoding.UTF8.GetString(result.Body));
        var request = Assert.Single(server.Requests);
        Assert.Contains("gzip", request.Header("Accept-Encoding"), StringComparison.Ordinal);
        Assert.Contains("br", request.Header("Accept-Encoding"), StringComparison.Ordinal);
        Assert.StartsWith("FeedHub/", request.Header("User-Agent"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(301, true)]
    [InlineData(308, true)]
    [InlineData(302, false)]
    [InlineData(307, false)]
    public async Task Only_permanent_redirects_are_reported_as_moves(int status, bool permanent)
    {
        await using var server = LocalHttpServer.Serving(request => request.Path == "/old"
            ? HttpReply.Redirect(status, "/new")
            : HttpReply.Text(200, Rss, "application/rss+xml"));
        var result = await CreateFetcher().FetchAsync(new FetchRequest(server.Url("old")), CancellationToken.None);

        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Equal(server.Url("new"), result.FinalUrl);
        Assert.Equal(permanent ? server.Url("new") : null, result.PermanentRedirect);
    }

    [Theory]
    [InlineData(new[] { 301, 302 }, 1)]
    [InlineData(new[] { 308, 301, 307 }, 2)]
    [InlineData(new[] { 301, 301 }, 2)]
    [InlineData(new[] { 302, 301 }, null)]
    public async Task A_move_is_the_last_permanent_hop_before_the_first_temporary_one(int[] statuses, int? movedTo)
    {
        // "/0" redirects to "/1" with statuses[0], and so on; the last address serves the feed.
        await using var server = LocalHttpServer.Serving(request =>
            int.TryParse(request.Path.TrimStart('/'), CultureInfo.InvariantCulture, out var hop) && hop < statuses.Length
                ? HttpReply.Redirect(statuses[hop], $"/{hop + 1}")
                : HttpReply.Text(200, Rss, "application/rss+xml"));
        var result = await CreateFetcher().FetchAsync(new FetchRequest(server.Url("0")), CancellationToken.None);

        Assert.Equal(server.Url($"{statuses.Length}"), result.FinalUrl);
        Assert.Equal(movedTo is { } moved ? server.Url($"{moved}") : null, result.PermanentRedirect);
    }

    [Fact]
    public async Task Gone_and_rate_limited_are_told_apart()
    {
        await using var server = LocalHttpServer.Serving(request => request.Path == "/gone"
            ? HttpReply.Text(410, "gone")
            : HttpReply.Text(429, "slow down", "text/plain", ("Retry-After", "120")));
        var fetcher = CreateFetcher();

        var gone = await fetcher.FetchAsync(new FetchRequest(server.Url("gone")), CancellationToken.None);
        var limited = await fetcher.FetchAsync(new FetchRequest(server.Url("busy")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.Gone, gone.ErrorKind);
        Assert.Contains("410", gone.Error, StringComparison.Ordinal);
        Assert.Equal(FetchErrorKind.RateLimited, limited.ErrorKind);
        Assert.Equal(TimeSpan.FromSeconds(120), limited.RetryAfter);
        Assert.Contains("wait 2 min", limited.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_and_refused_connections_get_readable_messages()
    {
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Text(500, "boom"));
        var fetcher = CreateFetcher();
        var failed = await fetcher.FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);
        var closedPort = server.BaseUri.Port;
        await server.DisposeAsync();
        var refused = await fetcher.FetchAsync(new FetchRequest(new Uri($"http://127.0.0.1:{closedPort}/feed")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.HttpStatus, failed.ErrorKind);
        Assert.Equal("the server answered 500 Internal Server Error; the server failed, FeedHub will try again later", failed.Error);
        Assert.Equal(FetchErrorKind.Network, refused.ErrorKind);
        Assert.Contains("refused", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loopback_is_refused_when_private_networks_are_not_allowed()
    {
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Text(200, Rss, "application/rss+xml"));
        var result = await CreateFetcher(guardOn: true).FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.Blocked, result.ErrorKind);
        Assert.Contains("AllowPrivateNetworks", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.2:{port}/feed")]
    [InlineData("http://127.0.0.3:{port}/feed")]
    [InlineData("http://[::1]:{port}/feed")]
    public async Task A_redirect_into_a_private_address_is_refused_at_connect_time(string target)
    {
        await using var inside = LocalHttpServer.Serving(_ => HttpReply.Text(200, "secret"), IPAddress.Any);
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Redirect(302, target.Replace("{port}", inside.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        var result = await CreateFetcher().FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.Blocked, result.ErrorKind);
        Assert.Contains("redirects to", result.Error, StringComparison.Ordinal);
        Assert.Empty(inside.Requests);
    }

    [Fact]
    public async Task A_gzip_bomb_stops_at_the_size_cap()
    {
        var bomb = Gzip(new byte[100 * 1024 * 1024]);
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Bytes(200, bomb, "application/rss+xml", ("Content-Encoding", "gzip")));
        var fetcher = CreateFetcher(new FetcherOptions { MaxBytes = 1024 * 1024 });

        var result = await fetcher.FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.True(bomb.Length < 200 * 1024, "the bomb is small on the wire");
        Assert.Equal(FetchErrorKind.TooLarge, result.ErrorKind);
        Assert.Contains("larger than 1 MB", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_read_in_many_pieces_arrives_whole_and_in_order(bool gzip)
    {
        // 700 KB of numbered lines: several reads into several chunks, each byte in its place.
        var body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 70_000).Select(i => $"{i:D9}\n")));
        await using var server = LocalHttpServer.Serving(_ => gzip
            ? HttpReply.Bytes(200, Gzip(body), "application/rss+xml", ("Content-Encoding", "gzip")) with { OmitContentLength = true }
            : HttpReply.Bytes(200, body, "application/rss+xml") with { OmitContentLength = true });

        var result = await CreateFetcher(new FetcherOptions { MaxBytes = body.Length }).FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Equal(body, result.Body);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    [InlineData(128 * 1024)]
    [InlineData(128 * 1024 + 1)]
    public async Task A_body_ending_on_a_read_chunk_boundary_or_empty_arrives_whole(int length)
    {
        // The body is read in chunks of 64 KB: one that fills its last chunk exactly, or that is empty, is not cut or padded.
        var body = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Bytes(200, body, "application/rss+xml") with { OmitContentLength = true });

        var result = await CreateFetcher(new FetcherOptions { MaxBytes = Math.Max(1, body.Length) }).FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Equal(body, result.Body);
    }

    [Fact]
    public async Task A_body_one_byte_over_the_cap_is_refused()
    {
        var body = new byte[200 * 1024];
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Bytes(200, body, "application/rss+xml") with { OmitContentLength = true });

        var result = await CreateFetcher(new FetcherOptions { MaxBytes = body.Length - 1 }).FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.TooLarge, result.ErrorKind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_50_megabyte_body_is_refused_with_or_without_a_declared_length(bool omitLength)
    {
        var huge = new byte[50 * 1024 * 1024];
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Bytes(200, huge, "application/rss+xml") with { OmitContentLength = omitLength });
        var result = await CreateFetcher().FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.TooLarge, result.ErrorKind);
        Assert.Empty(result.Body);
    }

    [Fact]
    public async Task A_server_dripping_one_byte_a_second_times_out()
    {
        await using var server = LocalHttpServer.Serving(_ => HttpReply.Text(200, Rss, "application/rss+xml") with { DripDelay = TimeSpan.FromSeconds(1) });
        var fetcher = CreateFetcher(new FetcherOptions { TimeoutSeconds = 2 });
        var clock = Stopwatch.StartNew();

        var result = await fetcher.FetchAsync(new FetchRequest(server.Url("feed")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.Timeout, result.ErrorKind);
        Assert.Contains("within 2 s", result.Error, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Redirect_loops_end_with_a_clear_error()
    {
        await using var server = LocalHttpServer.Serving(request => HttpReply.Redirect(302, request.Path == "/a" ? "/b" : "/a"));
        var result = await CreateFetcher().FetchAsync(new FetchRequest(server.Url("a")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.TooManyRedirects, result.ErrorKind);
        Assert.Equal(6, server.Requests.Count);
    }

    [Theory]
    [InlineData("http://127.0.0.1/feed")]
    [InlineData("http://10.1.2.3/feed")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]/feed")]
    [InlineData("http://[::ffff:127.0.0.1]/feed")]
    [InlineData("http://192.168.1.1/feed")]
    [InlineData("http://0.0.0.0/feed")]
    public async Task Private_addresses_are_refused_before_any_connection(string url)
    {
        var refusal = await CreateFetcher(guardOn: true).CheckUrlAsync(new Uri(url), CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Contains("FeedHub__Fetcher__AllowPrivateNetworks=true", refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("100.64.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Address_classes(string address, bool isPublic)
        => Assert.Equal(isPublic, PrivateNetworkGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task Only_http_and_https_are_fetched()
    {
        var result = await CreateFetcher().FetchAsync(new FetchRequest(new Uri("file:///etc/passwd")), CancellationToken.None);

        Assert.Equal(FetchErrorKind.InvalidUrl, result.ErrorKind);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
