using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Security.Cryptography;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Web.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace FeedHub.Web;

/// <summary>
/// Pages and feeds only change when what they show does: each response is rendered once per version of the content it
/// depends on (the whole store, or only some of its scopes: a category, a source, a day), and compressed once per
/// encoding a client asks for, then served from memory like a static file: a strong ETag (one per encoding),
/// <c>Last-Modified</c> (when these bytes were first rendered), and 304 for <c>If-None-Match</c> or, without it,
/// <c>If-Modified-Since</c>.
/// </summary>
public sealed class RenderedResponses(IFeedStore store, PublicAddress address, TimeProvider timeProvider, IMeterFactory meters)
{
    private const int MaxEntries = 2048;

    /// <summary>
    /// What the kept bodies may take in all (each in up to three encodings): a digest day of 2,000 posts is about a
    /// megabyte, so a count alone let a crawler walking the sources' pages keep hundreds of megabytes.
    /// </summary>
    internal const long MaxBytes = 32L * 1024 * 1024;

    private readonly BoundedCache<string, Rendered> _cache = new(MaxEntries, MaxBytes, rendered => rendered.Bytes);

    /// <summary>The bytes of all kept bodies.</summary>
    internal long KeptBytes => _cache.Bytes;

    /// <summary>Each render is a request that found no cached body, or one out of date: what this cache saves shows on <c>/metrics</c>.</summary>
    private readonly Counter<long> _renders = meters.Create(PollMetrics.MeterName)
        .CreateCounter<long>("feedhub.responses.rendered", "{response}", "Pages and feeds rendered because no cached one was up to date.");

    /// <param name="context">The request.</param>
    /// <param name="render">Renders the body when the cached one is stale.</param>
    /// <param name="contentType">The media type of the body.</param>
    /// <param name="variesWith">Anything besides the URL and the store that the body depends on (for example today's date).</param>
    /// <param name="dependsOn">
    /// The only parts of the content the body shows (besides what readers see of the sources, which every body
    /// depends on); null when it may show anything in the store.
    /// </param>
    public Task<IResult> ServeAsync(
        HttpContext context, Func<CancellationToken, Task<byte[]>> render, string contentType, string? variesWith = null, IReadOnlyCollection<ContentScope>? dependsOn = null)
        => ServeAsync(context, async cancellationToken => new RenderedBody(await render(cancellationToken)), contentType, variesWith, dependsOn);

    /// <summary>As the other overload, for a body that may come with its gzip form made already.</summary>
    public async Task<IResult> ServeAsync(
        HttpContext context, Func<CancellationToken, Task<RenderedBody>> render, string contentType, string? variesWith = null, IReadOnlyCollection<ContentScope>? dependsOn = null)
    {
        var cancellationToken = context.RequestAborted;
        var version = dependsOn is null ? await store.GetVersionAsync(cancellationToken) : await store.GetContentVersionAsync(dependsOn, cancellationToken);

        // With a public base URL the body is the same however the request named the host.
        var request = context.Request;
        var key = address.FollowsRequest
            ? $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}|{variesWith}"
            : $"{request.Path}{request.QueryString}|{variesWith}";
        if (!_cache.TryGetValue(key, out var rendered) || rendered.Version != version)
        {
            rendered = Rendered.Of(version, await render(cancellationToken), contentType, timeProvider.GetUtcNow(), previous: rendered);
            _renders.Add(1);
            _cache.Set(key, rendered);
        }

        var (encoding, etag) = rendered.Choose(context.Request.Headers.AcceptEncoding.ToString());
        var response = context.Response;
        response.Headers.ETag = etag;
        response.Headers.LastModified = rendered.LastModifiedHeader;
        response.Headers.CacheControl = "no-cache";
        response.Headers.Vary = "Accept-Encoding";
        if (IsNotModified(request, etag, rendered.LastModified))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (encoding is null)
        {
            return rendered.Identity is { } identity ? Write(response, identity, contentType) : WriteInflated(response, rendered, contentType);
        }

        response.Headers.ContentEncoding = encoding;
        // A body without its identity form has its gzip one, and is not offered in Brotli: Compress is given one only.
        return Write(response, rendered.Encoded(encoding) ?? KeepEncoded(key, rendered, encoding, Rendered.Compress(rendered.Identity!, encoding)), contentType);
    }

    /// <summary>
    /// Keeps a body's compressed bytes beside it (the first ones when two requests compressed it at once), counting
    /// them against the budget while the body is kept.
    /// </summary>
    private IReadOnlyList<byte[]> KeepEncoded(string key, Rendered rendered, string encoding, byte[] compressed)
    {
        var kept = rendered.Keep(encoding, compressed);
        if (ReferenceEquals(kept[0], compressed))
        {
            _cache.Grow(key, rendered, compressed.LongLength);
        }

        return kept;
    }

    /// <summary>A body in one part as it is; in several, written one after the other (no copy of them all in one array).</summary>
    private static IResult Write(HttpResponse response, IReadOnlyList<byte[]> parts, string contentType)
    {
        if (parts is [var whole])
        {
            return TypedResults.Bytes(whole, contentType);
        }

        response.ContentLength = parts.Sum(p => p.LongLength);
        return TypedResults.Stream(async stream =>
        {
            foreach (var part in parts)
            {
                await stream.WriteAsync(part);
            }
        }, contentType);
    }

    /// <summary>A body kept only in gzip, for a client that refuses it: decompressed as it is written, not kept.</summary>
    private static PushStreamHttpResult WriteInflated(HttpResponse response, Rendered rendered, string contentType)
    {
        response.ContentLength = rendered.Length;
        return TypedResults.Stream(stream => GzipSegments.InflateAsync(rendered.Encoded("gzip")!, stream, response.HttpContext.RequestAborted), contentType);
    }

    /// <summary>RFC 9110 §13.2.2: If-None-Match decides when present; otherwise If-Modified-Since (at one-second precision).</summary>
    private static bool IsNotModified(HttpRequest request, string etag, DateTimeOffset lastModified)
    {
        if (request.Headers.IfNoneMatch.Count > 0)
        {
            return request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Tag == etag || tag.Equals(EntityTagHeaderValue.Any));
        }

        return request.GetTypedHeaders().IfModifiedSince is { } since && lastModified <= since;
    }

    /// <summary>A rendered body, and its compressed forms once a client has asked for them (written under the cache's lock).</summary>
    private sealed class Rendered(long version, RenderedBody body, string contentType, string etagStem, DateTimeOffset lastModified)
    {
        private IReadOnlyList<byte[]>? _gzip = body.Gzip;
        private IReadOnlyList<byte[]>? _brotli;

        /// <summary>A body given in gzip was put together from parts compressed apart: compressing it whole again in Brotli is what that avoids.</summary>
        private readonly bool _offersBrotli = body.Gzip is null;

        public long Version { get; } = version;

        /// <summary>The body as rendered; null when it was given only in gzip.</summary>
        public IReadOnlyList<byte[]>? Identity { get; } = body.Parts;

        /// <summary>The length of the body as rendered.</summary>
        public long Length { get; } = body.Length;

        public string ContentType { get; } = contentType;

        public string ETagStem { get; } = etagStem;

        public DateTimeOffset LastModified { get; } = lastModified;

        public string LastModifiedHeader { get; } = HeaderUtilities.FormatDate(lastModified);

        /// <summary>The bytes of its forms as rendered (parts kept elsewhere too, a digest feed's deflated days, are counted here as well).</summary>
        public long Bytes => LengthOf(Identity) + LengthOf(Volatile.Read(ref _gzip)) + LengthOf(Volatile.Read(ref _brotli));

        /// <summary>Renders a body; it keeps the previous rendering's modification time when its bytes are the same.</summary>
        public static Rendered Of(long version, RenderedBody body, string contentType, DateTimeOffset now, Rendered? previous)
        {
            var stem = body.ETagStem ?? ETagStemOf(body.Parts!);
            // Last-Modified has one-second precision: a change within the same second still moves it forward, so a
            // client that only sends If-Modified-Since never misses it.
            var second = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            var lastModified = previous is null ? second
                : previous.ETagStem == stem ? previous.LastModified
                : second > previous.LastModified ? second : previous.LastModified.AddSeconds(1);
            return new Rendered(version, body, contentType, stem, lastModified);
        }

        /// <summary>The encoding to send (null for none: the body as rendered) and its ETag.</summary>
        public (string? Encoding, string ETag) Choose(string acceptEncoding)
            => _offersBrotli && acceptEncoding.Contains("br", StringComparison.OrdinalIgnoreCase) ? ("br", $"\"{ETagStem}-br\"")
                : acceptEncoding.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? ("gzip", $"\"{ETagStem}-gz\"")
                : (null, $"\"{ETagStem}\"");

        /// <summary>The body in <paramref name="encoding"/> if it has been compressed already.</summary>
        public IReadOnlyList<byte[]>? Encoded(string encoding) => encoding == "br" ? Volatile.Read(ref _brotli) : Volatile.Read(ref _gzip);

        /// <summary>Keeps the body in <paramref name="encoding"/> unless it is kept already; returns the kept one.</summary>
        public IReadOnlyList<byte[]> Keep(string encoding, byte[] compressed)
        {
            IReadOnlyList<byte[]> parts = [compressed];
            return encoding == "br" ? Interlocked.CompareExchange(ref _brotli, parts, null) ?? parts
                : Interlocked.CompareExchange(ref _gzip, parts, null) ?? parts;
        }

        /// <summary>The first 12 bytes of the body's SHA-256, in hexadecimal.</summary>
        public static string ETagStemOf(IReadOnlyList<byte[]> parts)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var part in parts)
            {
                hash.AppendData(part);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 12));
        }

        private static long LengthOf(IReadOnlyList<byte[]>? parts) => parts?.Sum(p => p.LongLength) ?? 0;

        /// <remarks>
        /// Gzip at its default level: its smallest setting took twice the CPU for 5 % fewer bytes, and browsers ask for
        /// Brotli anyway (a 14 MB digest feed: 131 ms of CPU instead of 68).
        /// </remarks>
        public static byte[] Compress(IReadOnlyList<byte[]> body, string encoding)
        {
            using var output = new MemoryStream();
            using (Stream compressing = encoding == "br" ? new BrotliStream(output, CompressionLevel.Optimal) : new GZipStream(output, CompressionLevel.Optimal))
            {
                foreach (var part in body)
                {
                    compressing.Write(part);
                }
            }

            return output.ToArray();
        }
    }
}

/// <summary>
/// A response's body as rendered, in parts, or only in gzip (a digest feed, put together from its days kept deflated:
/// megabytes it would take to keep or copy as written), with its ETag stem when the renderer made it.
/// </summary>
public sealed class RenderedBody
{
    public RenderedBody(byte[] body)
    {
        Parts = [body];
        Length = body.LongLength;
    }

    private RenderedBody(IReadOnlyList<byte[]> gzip, long length, string etagStem)
    {
        Gzip = gzip;
        Length = length;
        ETagStem = etagStem;
    }

    /// <summary>The body as rendered, in parts; null when it is only in gzip.</summary>
    public IReadOnlyList<byte[]>? Parts { get; }

    /// <summary>The body in gzip, in parts, when the renderer made it.</summary>
    public IReadOnlyList<byte[]>? Gzip { get; }

    /// <summary>The length of the body as rendered.</summary>
    public long Length { get; }

    /// <summary>The body's ETag stem when the renderer made it (one without its parts as rendered has to).</summary>
    public string? ETagStem { get; }

    /// <summary>A body only in gzip (in parts), of <paramref name="length"/> bytes decompressed.</summary>
    public static RenderedBody Gzipped(IReadOnlyList<byte[]> gzip, long length, string etagStem) => new(gzip, length, etagStem);

    /// <summary>The body as rendered, in one array (decompressed when it is only in gzip).</summary>
    public async Task<byte[]> ToArrayAsync(CancellationToken cancellationToken)
    {
        if (Parts is [var whole])
        {
            return whole;
        }

        using var body = new MemoryStream(checked((int)Length));
        if (Parts is null)
        {
            await GzipSegments.InflateAsync(Gzip!, body, cancellationToken);
        }
        else
        {
            foreach (var part in Parts)
            {
                body.Write(part);
            }
        }

        return body.GetBuffer().Length == body.Length ? body.GetBuffer() : body.ToArray();
    }
}
