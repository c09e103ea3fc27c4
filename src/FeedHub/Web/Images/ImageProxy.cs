using System.Collections.Concurrent;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Images;
using FeedHub.Core.Model;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace FeedHub.Web.Images;

/// <summary>What the proxy has for an image address: the image and its type, or the status and reason of a refusal.</summary>
public sealed record ProxiedImage(byte[] Body, string? MediaType, int Status, string? Problem)
{
    public bool IsImage => MediaType is not null;
}

/// <summary>
/// Fetches images for the pages through <see cref="FeedFetcher"/> (so the private-network guard, redirects checked
/// hop by hop, the size cap and the time limit of feed fetching hold), keeps only raster images (recognised by their
/// bytes), and remembers the answers, refusals too, in a memory cache of bounded size. Many readers asking for the
/// same image at once cause one fetch.
/// </summary>
public sealed partial class ImageProxy : IDisposable
{
    /// <summary>Raster types first; anything else is refused when it arrives, whatever it says it is.</summary>
    private const string Accept = "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, image/*;q=0.5";

    /// <summary>A refused image is asked for again after this long (a site down may come back).</summary>
    private static readonly TimeSpan RefusalsFor = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, Lazy<Task<ProxiedImage>>> _fetching = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly ImageProxyOptions _options;
    private readonly ILogger<ImageProxy> _logger;

    public ImageProxy(IServiceScopeFactory scopes, IOptions<ImageProxyOptions> options, ILogger<ImageProxy> logger)
    {
        _scopes = scopes;
        _options = options.Value;
        _logger = logger;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.CacheMegabytes * 1024L * 1024 });
    }

    /// <summary>The image at <paramref name="url"/>, from memory or fetched now.</summary>
    public async Task<ProxiedImage> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        var key = url.AbsoluteUri;
        if (_cache.TryGetValue(key, out ProxiedImage? cached) && cached is not null)
        {
            return cached;
        }

        // The fetch belongs to every reader waiting for it: one leaving does not cancel it (the fetcher's own time limit ends it).
        var fetch = _fetching.GetOrAdd(key, _ => new Lazy<Task<ProxiedImage>>(() => FetchAndKeepAsync(url)));
        return await fetch.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _cache.Dispose();

    private async Task<ProxiedImage> FetchAndKeepAsync(Uri url)
    {
        var key = url.AbsoluteUri;
        try
        {
            // A reader who missed the cache just before the previous fetch kept its answer and ended finds it here.
            if (_cache.TryGetValue(key, out ProxiedImage? kept) && kept is not null)
            {
                return kept;
            }

            var image = await FetchAsync(url).ConfigureAwait(false);
            _cache.Set(key, image, new MemoryCacheEntryOptions
            {
                Size = Math.Max(1024, image.Body.Length),
                AbsoluteExpirationRelativeToNow = image.IsImage ? _options.CacheFor : RefusalsFor,
            });
            return image;
        }
        finally
        {
            _fetching.TryRemove(key, out _);
        }
    }

    private async Task<ProxiedImage> FetchAsync(Uri url)
    {
        using var scope = _scopes.CreateScope();
        var fetcher = scope.ServiceProvider.GetRequiredService<FeedFetcher>();
        var result = await fetcher.FetchAsync(new FetchRequest(url) { Accept = Accept }, CancellationToken.None).ConfigureAwait(false);
        if (result.Outcome != FetchOutcome.Ok)
        {
            LogNotFetched(_logger, url, result.Error);
            var status = result.ErrorKind switch
            {
                FetchErrorKind.Blocked or FetchErrorKind.InvalidUrl => StatusCodes.Status403Forbidden,
                FetchErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
                _ => StatusCodes.Status502BadGateway,
            };
            return new ProxiedImage([], null, status, $"The image at {url} cannot be shown: {result.Error ?? "its site did not send it"}.");
        }

        if (RasterImage.MediaTypeOf(result.Body) is not { } mediaType)
        {
            LogNotAnImage(_logger, url, result.ContentType);
            return new ProxiedImage([], null, StatusCodes.Status502BadGateway,
                $"What {url} sent ({result.ContentType ?? "no content type"}) is not an image FeedHub passes on: only JPEG, PNG, GIF, WebP and AVIF images are.");
        }

        return new ProxiedImage(result.Body, mediaType, StatusCodes.Status200OK, null);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Image proxy: {Url} not fetched: {Reason}")]
    private static partial void LogNotFetched(ILogger logger, Uri url, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Image proxy: {Url} is not a raster image ({ContentType})")]
    private static partial void LogNotAnImage(ILogger logger, Uri url, string? contentType);
}
