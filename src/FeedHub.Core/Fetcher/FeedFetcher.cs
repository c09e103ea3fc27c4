using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using FeedHub.Core.Model;
using FeedHub.Core.Urls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Fetcher;

/// <summary>
/// Fetches feeds and article pages politely and defensively: conditional GET, redirects followed by hand (the
/// private-network guard runs at every connection), a total time limit, and a size cap on the decompressed body
/// that holds for streamed reads. Addresses go out without user information, and so do the results and messages: only
/// <see cref="FetchRequest.Credentials"/> authenticate, at their own origin.
/// </summary>
public sealed partial class FeedFetcher(
    HttpClient client,
    IOptions<FetcherOptions> options,
    IHostThrottle throttle,
    TimeProvider timeProvider,
    ILogger<FeedFetcher> logger)
{
    private const int ReadChunk = 64 * 1024;
    private readonly FetcherOptions _options = options.Value;

    /// <summary>The handler FeedHub's HttpClient must use: no automatic redirects, all decompressions, the guard at connect time.</summary>
    public static SocketsHttpHandler CreateHandler(FetcherOptions options)
        => CreateHandler(options, options.AllowPrivateNetworks ? null : PrivateNetworkGuard.IsPublic);

    /// <param name="options">Limits.</param>
    /// <param name="isAllowed">Which resolved addresses may be connected to; null for any.</param>
    internal static SocketsHttpHandler CreateHandler(FetcherOptions options, Func<IPAddress, bool>? isAllowed) => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)),
        ConnectCallback = isAllowed is null ? null : (context, token) => ConnectToAllowedAsync(context, isAllowed, token),
    };

    /// <summary>Checks, before anything is stored, that a URL is one FeedHub may fetch; null when it is.</summary>
    public async Task<string?> CheckUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return $"'{FeedAddress.Shown(url)}' is not an http or https address";
        }

        if (_options.AllowPrivateNetworks)
        {
            return null;
        }

        try
        {
            await PrivateNetworkGuard.ResolvePublicAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (BlockedAddressException blocked)
        {
            return blocked.Message;
        }
        catch (SocketException resolveFailure)
        {
            return $"the host {url.IdnHost} cannot be resolved ({resolveFailure.Message})";
        }
    }

    public async Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var address = FeedAddress.Shown(request.Url);
        var url = address;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return FetchResult.Fail(url, FetchErrorKind.InvalidUrl, $"'{url}' is not an http or https address");
        }

        var limit = TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds));
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;
        Uri? permanentTarget = null;
        var onlyPermanentHops = true;
        try
        {
            for (var hop = 0; hop <= _options.MaxRedirects; hop++)
            {
                // Waiting for a turn at a busy host is politeness, not the server's slowness: the clock starts after it.
                await using var lease = await throttle.AcquireAsync(url.IdnHost, request.HostRequest, token).ConfigureAwait(false);
                if (hop == 0)
                {
                    timeout.CancelAfter(limit);
                }

                using var message = new HttpRequestMessage(HttpMethod.Get, url);
                message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                message.Headers.TryAddWithoutValidation("Accept", request.Accept);
                if (request.ETag is not null)
                {
                    message.Headers.TryAddWithoutValidation("If-None-Match", request.ETag);
                }

                if (request.LastModified is not null)
                {
                    message.Headers.TryAddWithoutValidation("If-Modified-Since", request.LastModified);
                }

                if (request.Credentials is { } credentials && credentials.AreFor(url))
                {
                    message.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials.BasicParameter);
                }

                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    if (response.Headers.Location is not { } location)
                    {
                        return FetchResult.Fail(address, FetchErrorKind.HttpStatus, $"the server answered {Describe(response)} without saying where to go", status);
                    }

                    // User information in a Location is never sent, nor shown: only the request's credentials authenticate.
                    var target = FeedAddress.Shown(location.IsAbsoluteUri ? location : new Uri(url, location));
                    if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
                    {
                        return FetchResult.Fail(address, FetchErrorKind.InvalidUrl, $"{url} redirects to '{target}', which is not an http or https address", status);
                    }

                    // RFC 9110: a 301/308's target replaces the address, and a temporary hop after it does not undo
                    // that; only the hops up to the first temporary one say where the feed now lives.
                    onlyPermanentHops &= status is 301 or 308;
                    if (onlyPermanentHops)
                    {
                        permanentTarget = target;
                    }

                    url = target;
                    continue;
                }

                return await ReadResponseAsync(request, address, url, response, permanentTarget, token).ConfigureAwait(false);
            }

            return FetchResult.Fail(address, FetchErrorKind.TooManyRedirects, $"more than {_options.MaxRedirects} redirects starting at {address}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return FetchResult.Fail(address, FetchErrorKind.Timeout,
                $"no complete answer from {url.IdnHost} within {limit.TotalSeconds:0} s; FeedHub will try again later");
        }
        catch (HttpRequestException failure) when (FindBlocked(failure) is { } blocked)
        {
            return FetchResult.Fail(address, FetchErrorKind.Blocked, url == address ? blocked.Message : $"{address} redirects to {url}: {blocked.Message}");
        }
        catch (HttpRequestException failure)
        {
            LogNetworkFailure(logger, url, failure.Message);
            return FetchResult.Fail(address, FetchErrorKind.Network, $"cannot reach {url.IdnHost}: {DescribeNetworkFailure(failure)}");
        }
        catch (InvalidDataException corrupt)
        {
            return FetchResult.Fail(address, FetchErrorKind.Network, $"the response from {url.IdnHost} is corrupt ({corrupt.Message})");
        }
    }

    /// <param name="address">The address asked for, as shown.</param>
    /// <param name="url">Where the response came from, after redirects.</param>
    private async Task<FetchResult> ReadResponseAsync(FetchRequest request, Uri address, Uri url, HttpResponseMessage response, Uri? permanentTarget, CancellationToken token)
    {
        var status = (int)response.StatusCode;
        var etag = response.Headers.ETag?.ToString();
        var lastModified = response.Content.Headers.LastModified?.ToString("R");
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new FetchResult
            {
                Outcome = FetchOutcome.NotModified, RequestedUrl = address, FinalUrl = url, StatusCode = status,
                ETag = etag ?? request.ETag, LastModified = lastModified ?? request.LastModified,
                PermanentRedirect = permanentTarget, FreshFor = FreshFor(response),
            };
        }

        if (status == 410)
        {
            return FetchResult.Fail(address, FetchErrorKind.Gone, $"the server says {url} is gone for good (410 Gone)", status);
        }

        if (status is 429 or 503)
        {
            var retryAfter = RetryAfter(response);
            var wait = retryAfter is { } r ? $"; it asks to wait {Math.Ceiling(r.TotalMinutes)} min" : string.Empty;
            return FetchResult.Fail(address, FetchErrorKind.RateLimited, $"the server answered {Describe(response)}{wait}", status, retryAfter);
        }

        if (!response.IsSuccessStatusCode)
        {
            return FetchResult.Fail(address, FetchErrorKind.HttpStatus, $"the server answered {Describe(response)}{Hint(status, request.Credentials, url)}", status);
        }

        if (response.Content.Headers.ContentLength > _options.MaxBytes && response.Content.Headers.ContentEncoding.Count == 0)
        {
            return TooLarge(address, status);
        }

        var body = await ReadCappedAsync(response.Content, token).ConfigureAwait(false);
        if (body is null)
        {
            return TooLarge(address, status);
        }

        return new FetchResult
        {
            Outcome = FetchOutcome.Ok, RequestedUrl = address, FinalUrl = url, StatusCode = status, Body = body,
            ContentType = response.Content.Headers.ContentType?.ToString(), ETag = etag, LastModified = lastModified,
            PermanentRedirect = permanentTarget, FreshFor = FreshFor(response),
        };
    }

    private FetchResult TooLarge(Uri url, int status) => FetchResult.Fail(url, FetchErrorKind.TooLarge,
        $"the response is larger than {_options.MaxBytes / (1024.0 * 1024):0.#} MB (after decompression); FeedHub:Fetcher:MaxBytes sets the limit", status);

    /// <summary>
    /// Reads at most MaxBytes of the decompressed body; null when there is more. The body is read into pooled chunks
    /// and copied out at its size. A growing buffer of its own put every fetch on the large object heap; a pooled one
    /// doubled up to the body's size left the shared pool holding an array of each size it passed (64 KB to 2 MB for a
    /// farm feed) for each fetch that was in flight at once, large-object arrays kept for the life of the process.
    /// Chunks all have one size below the large object heap's threshold, of which the pool keeps a few dozen at most.
    /// </summary>
    private async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken token)
    {
        await using var stream = await content.ReadAsStreamAsync(token).ConfigureAwait(false);
        var chunks = new List<byte[]>();
        var length = 0;
        try
        {
            while (true)
            {
                var inChunk = length % ReadChunk;
                if (length == chunks.Count * ReadChunk)
                {
                    chunks.Add(ArrayPool<byte>.Shared.Rent(ReadChunk));
                }

                var read = await stream.ReadAsync(chunks[^1].AsMemory(inChunk, ReadChunk - inChunk), token).ConfigureAwait(false);
                if (read == 0)
                {
                    return Joined(chunks, length);
                }

                length += read;
                if (length > _options.MaxBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            foreach (var chunk in chunks)
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    private static byte[] Joined(List<byte[]> chunks, int length)
    {
        var body = GC.AllocateUninitializedArray<byte>(length);
        for (var i = 0; i * ReadChunk < length; i++)
        {
            var start = i * ReadChunk;
            chunks[i].AsSpan(0, Math.Min(ReadChunk, length - start)).CopyTo(body.AsSpan(start));
        }

        return body;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private TimeSpan? FreshFor(HttpResponseMessage response)
    {
        if (response.Headers.CacheControl?.MaxAge is { } maxAge)
        {
            return maxAge;
        }

        if (response.Content.Headers.Expires is { } expires)
        {
            var now = response.Headers.Date ?? timeProvider.GetUtcNow();
            return expires > now ? expires - now : TimeSpan.Zero;
        }

        return null;
    }

    private static string Describe(HttpResponseMessage response)
        => $"{(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}";

    /// <param name="credentials">The credentials the request had, if any.</param>
    /// <param name="url">Where the answer came from, after redirects.</param>
    private static string Hint(int status, SiteCredentials? credentials, Uri url) => status switch
    {
        404 => "; there is no feed at this address (any more): check it, or give the blog's home page to find its feed",
        401 when credentials is null => "; the feed asks for a user name and password: give them in its address (https://name:password@host/…)",
        401 when !credentials.AreFor(url) =>
            $"; {url.Host} asks for a user name and password, which FeedHub sends only to the site of the address given, never to another one it redirects to",
        401 => "; the feed asks for a user name and password; the ones given were refused",
        403 => "; the server refuses FeedHub access to this feed",
        >= 500 => "; the server failed, FeedHub will try again later",
        _ => string.Empty,
    };

    private static BlockedAddressException? FindBlocked(Exception failure)
    {
        for (var inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is BlockedAddressException blocked)
            {
                return blocked;
            }
        }

        return null;
    }

    private static string DescribeNetworkFailure(HttpRequestException failure) => failure.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "the connection was refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "the host name does not resolve",
        SocketException socket => socket.Message,
        { } inner => inner.Message,
        null => failure.Message,
    };

    private static async ValueTask<Stream> ConnectToAllowedAsync(SocketsHttpConnectionContext context, Func<IPAddress, bool> isAllowed, CancellationToken cancellationToken)
    {
        var addresses = await PrivateNetworkGuard.ResolveAllowedAsync(context.DnsEndPoint.Host, isAllowed, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetching {Url} failed: {Reason}")]
    private static partial void LogNetworkFailure(ILogger logger, Uri url, string reason);
}
