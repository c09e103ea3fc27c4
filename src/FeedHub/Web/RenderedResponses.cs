using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using FeedHub.Core.Storage;
using Microsoft.Net.Http.Headers;

namespace FeedHub.Web;

/// <summary>
/// Pages and feeds only change when the store does: each response is rendered and compressed once per store
/// version, then served from memory with a strong ETag (one per encoding) and 304s for clients that have it.
/// </summary>
public sealed class RenderedResponses(IFeedStore store)
{
    private const int MaxEntries = 2048;
    private readonly ConcurrentDictionary<string, Rendered> _cache = new(StringComparer.Ordinal);

    /// <param name="context">The request.</param>
    /// <param name="render">Renders the body when the cached one is stale.</param>
    /// <param name="contentType">The media type of the body.</param>
    /// <param name="variesWith">Anything besides the URL and the store that the body depends on (for example today's date).</param>
    public async Task<IResult> ServeAsync(HttpContext context, Func<CancellationToken, Task<byte[]>> render, string contentType, string? variesWith = null)
    {
        var cancellationToken = context.RequestAborted;
        var version = await store.GetVersionAsync(cancellationToken);
        var key = $"{context.Request.Host}{context.Request.Path}{context.Request.QueryString}|{variesWith}";
        if (!_cache.TryGetValue(key, out var rendered) || rendered.Version != version)
        {
            rendered = Rendered.Of(version, await render(cancellationToken), contentType);
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear();
            }

            _cache[key] = rendered;
        }

        var (body, encoding, etag) = rendered.For(context.Request.Headers.AcceptEncoding.ToString());
        var response = context.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "no-cache";
        response.Headers.Vary = "Accept-Encoding";
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Tag == etag || tag.Equals(EntityTagHeaderValue.Any)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }

        return TypedResults.Bytes(body, contentType);
    }

    private sealed record Rendered(long Version, byte[] Identity, byte[] Gzip, byte[] Brotli, string ContentType, string ETagStem)
    {
        public static Rendered Of(long version, byte[] body, string contentType)
        {
            var stem = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12));
            return new Rendered(version, body, Compress(body, s => new GZipStream(s, CompressionLevel.SmallestSize)),
                Compress(body, s => new BrotliStream(s, CompressionLevel.Optimal)), contentType, stem);
        }

        public (byte[] Body, string? Encoding, string ETag) For(string acceptEncoding)
        {
            if (acceptEncoding.Contains("br", StringComparison.OrdinalIgnoreCase))
            {
                return (Brotli, "br", $"\"{ETagStem}-br\"");
            }

            if (acceptEncoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return (Gzip, "gzip", $"\"{ETagStem}-gz\"");
            }

            return (Identity, null, $"\"{ETagStem}\"");
        }

        private static byte[] Compress(byte[] body, Func<Stream, Stream> compressor)
        {
            using var output = new MemoryStream();
            using (var compressing = compressor(output))
            {
                compressing.Write(body);
            }

            return output.ToArray();
        }
    }
}
