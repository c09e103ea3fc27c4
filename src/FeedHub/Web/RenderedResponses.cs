using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Security.Cryptography;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Web.Localization;
using FeedHub.Web.Rendering;
using Microsoft.Net.Http.Headers;

namespace FeedHub.Web;

/// <summary>
/// Pages and feeds only change when what they show does: each response is rendered once per version of the content it
/// depends on (the whole store, or only some of its scopes: a category, a source, a day), and compressed once per
/// encoding a client asks for, then served from memory like a static file: a strong ETag (one per encoding),
/// <c>Last-Modified</c> (when these bytes were first rendered), and 304 for <c>If-None-Match</c> or, without it,
/// <c>If-Modified-Since</c>.
/// </summary>
public sealed class RenderedResponses(IFeedStore store, PublicAddress address, WarmUpRequests warmUp, FeedPages feedPages, TimeProvider timeProvider, IMeterFactory meters)
{
    private const int MaxEntries = 2048;

    /// <summary>What a body that may show anything depends on (see <see cref="VersionAsync"/>).</summary>
    private static readonly IReadOnlyCollection<ContentScope> AnyContent = [ContentScope.River];

    /// <summary>
    /// What the kept bodies may take in all (each in up to three encodings): a digest day of 2,000 posts is about a
    /// megabyte, so a count alone let a crawler walking the sources' pages keep hundreds of megabytes.
    /// </summary>
    internal const long MaxBytes = 32L * 1024 * 1024;

    private readonly BoundedCache<string, Rendered> _cache = new(MaxEntries, MaxBytes, rendered => rendered.Bytes);

    /// <summary>Requests that may be answered again before routing, by address and language (see <see cref="TryAnswerAsync"/>); each is small.</summary>
    private readonly BoundedCache<string, Shortcut> _shortcuts = new(MaxEntries, long.MaxValue, _ => 0);

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
        => ServeAsync(context, async cancellationToken => new RenderedBody(await render(cancellationToken)), new ResponseForm(contentType, ResponseForm.VariesWithEncoding), variesWith, dependsOn);

    /// <summary>As the other overload, for a body that may come with its gzip form made already, sent in <paramref name="form"/>.</summary>
    /// <param name="shortcut">
    /// Whether the same request (address and language) may be answered again before routing, as long as the body is
    /// current (see <see cref="TryAnswerAsync"/>): only for a public answer that depends on nothing else of the request
    /// than <paramref name="form"/> names, from an endpoint that does nothing before serving it but set a <c>Link</c>
    /// header (WebSub's), which is answered again with it.
    /// </param>
    public async Task<IResult> ServeAsync(
        HttpContext context, Func<CancellationToken, Task<RenderedBody>> render, ResponseForm form, string? variesWith = null, IReadOnlyCollection<ContentScope>? dependsOn = null,
        bool shortcut = false)
    {
        var cancellationToken = context.RequestAborted;
        var version = await VersionAsync(dependsOn, cancellationToken);

        // With a public base URL the body is the same however the request named the host.
        var request = context.Request;
        var key = address.FollowsRequest
            ? $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}|{variesWith}"
            : $"{request.Path}{request.QueryString}|{variesWith}";
        if (!_cache.TryGetValue(key, out var rendered) || rendered.Version != version)
        {
            rendered = Rendered.Of(version, await render(cancellationToken), timeProvider.GetUtcNow(), previous: rendered);
            if (!warmUp.IsOne(request))
            {
                _renders.Add(1);
            }

            _cache.Set(key, rendered);
        }

        if (shortcut)
        {
            _shortcuts.Set(ShortcutKey(request), new Shortcut(key, dependsOn, form, context.Response.Headers.Link.Count > 0 ? context.Response.Headers.Link.ToString() : null));
        }

        return new Answer(this, key, rendered, form);
    }

    /// <summary>
    /// Answers a GET or HEAD that an endpoint allowed to be answered again (<c>ServeAsync</c>'s <c>shortcut</c>) while
    /// what it answered is current: the status, headers and body the endpoint would give, without
    /// routing, authentication, binding nor building the answer's addresses again. False when the request has to go
    /// to its endpoint.
    /// </summary>
    public async Task<bool> TryAnswerAsync(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !_shortcuts.TryGetValue(ShortcutKey(request), out var shortcut)
            || !_cache.TryGetValue(shortcut.CacheKey, out var rendered)
            || await VersionAsync(shortcut.DependsOn, context.RequestAborted) != rendered.Version)
        {
            return false;
        }

        await WriteAsync(context, shortcut.CacheKey, rendered, shortcut.Form, shortcut.Link);
        return true;
    }

    /// <summary>
    /// The version of the content a body depends on: of the river's scope, which every article is in, when it may show
    /// anything. Content versions, not the store's own, because a node keeps those in memory (PostgreSQL's too).
    /// </summary>
    private Task<long> VersionAsync(IReadOnlyCollection<ContentScope>? dependsOn, CancellationToken cancellationToken)
        => store.GetContentVersionAsync(dependsOn ?? AnyContent, cancellationToken);

    /// <summary>What names a request that may be answered again: its address and the language of the interface.</summary>
    private string ShortcutKey(HttpRequest request)
        => address.FollowsRequest
            ? $"{request.Scheme}://{request.Host.Value}{request.Path.Value}{request.QueryString.Value}|{InterfaceLanguage.Current}"
            : $"{request.Path.Value}{request.QueryString.Value}|{InterfaceLanguage.Current}";

    /// <summary>
    /// Sends a kept body: its validators and headers were made with it, so nothing is built for the request but the
    /// choice of encoding and media type, and an <c>If-None-Match</c> naming the tag as it was sent is matched as text.
    /// </summary>
    private Task WriteAsync(HttpContext context, string key, Rendered rendered, ResponseForm form, string? link)
    {
        var request = context.Request;
        var response = context.Response;
        if (FeedsInBrowsers.WantsPage(request, form))
        {
            return WritePageAsync(context, key, rendered, form, link);
        }

        var encoding = Rendered.Choose(request.Headers.AcceptEncoding.ToString(), rendered.OffersBrotli);
        if (AnsweredNotModified(context, rendered, form, link, rendered.ETag(encoding)))
        {
            return Task.CompletedTask;
        }

        response.ContentType = form.ContentTypeFor(request);
        if (encoding == Encoding.Identity)
        {
            return rendered.Identity is { } identity ? WriteAsync(response, identity) : WriteInflatedAsync(response, rendered);
        }

        response.Headers.ContentEncoding = encoding == Encoding.Brotli ? "br" : "gzip";
        // A body without its identity form has its gzip one, and is not offered in Brotli: Compress is given one only.
        return WriteAsync(response, rendered.Encoded(encoding) ?? KeepEncoded(key, rendered, encoding, Rendered.Compress(rendered.Identity!, encoding)));
    }

    private const string NoCache = "no-cache";

    /// <summary>Sets a kept body's validators and headers; true when the request's validators match and 304 was answered.</summary>
    private static bool AnsweredNotModified(HttpContext context, Rendered rendered, ResponseForm form, string? link, string etag)
    {
        var headers = context.Response.Headers;
        headers.ETag = etag;
        headers.LastModified = rendered.LastModifiedHeader;
        headers.CacheControl = NoCache;
        headers.Vary = form.Vary;
        if (link is not null)
        {
            headers.Link = link;
        }

        if (!IsNotModified(context.Request, etag, rendered.LastModified))
        {
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status304NotModified;
        return true;
    }

    /// <summary>
    /// A feed's page for a browser's navigation (<see cref="FeedPages"/>): made once per rendering of the feed and kept
    /// beside it, with a tag of its own. Uncompressed: navigations to feeds are few, and the page is smaller than the feed.
    /// </summary>
    private async Task WritePageAsync(HttpContext context, string key, Rendered rendered, ResponseForm form, string? link)
    {
        if (AnsweredNotModified(context, rendered, form, link, $"\"{rendered.ETagStem}-page-{feedPages.Version}\""))
        {
            return;
        }

        var response = context.Response;

        if (rendered.Page is not { } page)
        {
            var feed = rendered.Identity is { } parts ? Concatenate(parts) : await InflateAsync(rendered, context.RequestAborted);
            var made = feedPages.Render(feed);
            page = rendered.KeepPage(made);
            if (ReferenceEquals(page, made))
            {
                _cache.Grow(key, rendered, page.LongLength);
            }
        }

        response.ContentType = "text/html; charset=utf-8";
        await WriteAsync(response, [page]);
    }

    private static byte[] Concatenate(IReadOnlyList<byte[]> parts) => parts.Count == 1 ? parts[0] : [.. parts.SelectMany(part => part)];

    private static async Task<byte[]> InflateAsync(Rendered rendered, CancellationToken cancellationToken)
    {
        using var inflated = new MemoryStream();
        await GzipSegments.InflateAsync(rendered.Encoded(Encoding.Gzip)!, inflated, cancellationToken);
        return inflated.ToArray();
    }

    /// <summary>
    /// Keeps a body's compressed bytes beside it (the first ones when two requests compressed it at once), counting
    /// them against the budget while the body is kept.
    /// </summary>
    private IReadOnlyList<byte[]> KeepEncoded(string key, Rendered rendered, Encoding encoding, byte[] compressed)
    {
        var kept = rendered.Keep(encoding, compressed);
        if (ReferenceEquals(kept[0], compressed))
        {
            _cache.Grow(key, rendered, compressed.LongLength);
        }

        return kept;
    }

    /// <summary>A body in one part or several, written one after the other (no copy of them all in one array); none for a HEAD.</summary>
    private static async Task WriteAsync(HttpResponse response, IReadOnlyList<byte[]> parts)
    {
        long length = 0;
        foreach (var part in parts)
        {
            length += part.LongLength;
        }

        response.ContentLength = length;
        if (HttpMethods.IsHead(response.HttpContext.Request.Method))
        {
            return;
        }

        foreach (var part in parts)
        {
            await response.Body.WriteAsync(part, response.HttpContext.RequestAborted);
        }
    }

    /// <summary>A body kept only in gzip, for a client that refuses it: decompressed as it is written, not kept.</summary>
    private static Task WriteInflatedAsync(HttpResponse response, Rendered rendered)
    {
        response.ContentLength = rendered.Length;
        return HttpMethods.IsHead(response.HttpContext.Request.Method)
            ? Task.CompletedTask
            : GzipSegments.InflateAsync(rendered.Encoded(Encoding.Gzip)!, response.Body, response.HttpContext.RequestAborted);
    }

    /// <summary>
    /// RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison, §13.1.2, or <c>*</c>); otherwise
    /// If-Modified-Since (at one-second precision).
    /// </summary>
    private static bool IsNotModified(HttpRequest request, string etag, DateTimeOffset lastModified)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            // A client revalidating sends back the one tag it was given: that needs no parsing.
            return (ifNoneMatch.Count == 1 && ifNoneMatch[0] == etag)
                || (EntityTagHeaderValue.TryParseList(ifNoneMatch.ToArray()!, out var tags) && tags.Any(tag => tag.Tag == etag || tag.Equals(EntityTagHeaderValue.Any)));
        }

        var since = request.Headers.IfModifiedSince;
        return since.Count > 0 && HeaderUtilities.TryParseDate(since.ToString(), out var date) && lastModified <= date;
    }

    /// <summary>An answer from the cache, written as the endpoint returns it.</summary>
    private sealed class Answer(RenderedResponses responses, string key, Rendered rendered, ResponseForm form) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => responses.WriteAsync(httpContext, key, rendered, form, link: null);
    }

    /// <summary>What answers a request again: the cached body's key, what its version is read from, its form and the <c>Link</c> header its endpoint set.</summary>
    private sealed record Shortcut(string CacheKey, IReadOnlyCollection<ContentScope>? DependsOn, ResponseForm Form, string? Link);

    private enum Encoding
    {
        Identity,
        Gzip,
        Brotli,
    }

    /// <summary>A rendered body, and its compressed forms once a client has asked for them (written under the cache's lock).</summary>
    private sealed class Rendered(long version, RenderedBody body, string etagStem, DateTimeOffset lastModified)
    {
        private IReadOnlyList<byte[]>? _gzip = body.Gzip;
        private IReadOnlyList<byte[]>? _brotli;

        /// <summary>The strong ETag of each encoding (by <see cref="Encoding"/>), made once with the body.</summary>
        private readonly string[] _etags = [$"\"{etagStem}\"", $"\"{etagStem}-gz\"", $"\"{etagStem}-br\""];

        /// <summary>A body given in gzip was put together from parts compressed apart: compressing it whole again in Brotli is what that avoids.</summary>
        public bool OffersBrotli { get; } = body.Gzip is null;

        public long Version { get; } = version;

        /// <summary>The body as rendered; null when it was given only in gzip.</summary>
        public IReadOnlyList<byte[]>? Identity { get; } = body.Parts;

        /// <summary>The length of the body as rendered.</summary>
        public long Length { get; } = body.Length;

        public string ETagStem { get; } = etagStem;

        public DateTimeOffset LastModified { get; } = lastModified;

        public string LastModifiedHeader { get; } = HeaderUtilities.FormatDate(lastModified);

        /// <summary>The bytes of its forms as rendered (parts kept elsewhere too, a digest feed's deflated days, are counted here as well).</summary>
        public long Bytes => LengthOf(Identity) + LengthOf(Volatile.Read(ref _gzip)) + LengthOf(Volatile.Read(ref _brotli)) + (Volatile.Read(ref _page)?.LongLength ?? 0);

        private byte[]? _page;

        /// <summary>A feed's page for browsers (see <see cref="WritePageAsync"/>), once one has been made.</summary>
        public byte[]? Page => Volatile.Read(ref _page);

        /// <summary>Keeps the page unless one is kept already; returns the kept one.</summary>
        public byte[] KeepPage(byte[] page) => Interlocked.CompareExchange(ref _page, page, null) ?? page;

        /// <summary>Renders a body; it keeps the previous rendering's modification time when its bytes are the same.</summary>
        public static Rendered Of(long version, RenderedBody body, DateTimeOffset now, Rendered? previous)
        {
            var stem = body.ETagStem ?? ETagStemOf(body.Parts!);
            // Last-Modified has one-second precision: a change within the same second still moves it forward, so a
            // client that only sends If-Modified-Since never misses it.
            var second = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            var lastModified = previous is null ? second
                : previous.ETagStem == stem ? previous.LastModified
                : second > previous.LastModified ? second : previous.LastModified.AddSeconds(1);
            return new Rendered(version, body, stem, lastModified);
        }

        /// <summary>The encoding to send: Brotli when asked for and offered, else gzip when asked for, else none (the body as rendered).</summary>
        public static Encoding Choose(string acceptEncoding, bool offersBrotli)
            => offersBrotli && acceptEncoding.Contains("br", StringComparison.OrdinalIgnoreCase) ? Encoding.Brotli
                : acceptEncoding.Contains("gzip", StringComparison.OrdinalIgnoreCase) ? Encoding.Gzip
                : Encoding.Identity;

        public string ETag(Encoding encoding) => _etags[(int)encoding];

        /// <summary>The body in <paramref name="encoding"/> if it has been compressed already.</summary>
        public IReadOnlyList<byte[]>? Encoded(Encoding encoding) => encoding == Encoding.Brotli ? Volatile.Read(ref _brotli) : Volatile.Read(ref _gzip);

        /// <summary>Keeps the body in <paramref name="encoding"/> unless it is kept already; returns the kept one.</summary>
        public IReadOnlyList<byte[]> Keep(Encoding encoding, byte[] compressed)
        {
            IReadOnlyList<byte[]> parts = [compressed];
            return encoding == Encoding.Brotli ? Interlocked.CompareExchange(ref _brotli, parts, null) ?? parts
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
        public static byte[] Compress(IReadOnlyList<byte[]> body, Encoding encoding)
        {
            using var output = new MemoryStream();
            using (Stream compressing = encoding == Encoding.Brotli ? new BrotliStream(output, CompressionLevel.Optimal) : new GZipStream(output, CompressionLevel.Optimal))
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
/// How a kept body is sent: its media type, the one a browser's navigation gets instead (a feed's, see
/// <see cref="FeedsInBrowsers"/>), and the request headers the answer varies with.
/// </summary>
public sealed record ResponseForm(string ContentType, string Vary, string? ForBrowsers = null)
{
    /// <summary>An answer that varies only with the encodings the client takes.</summary>
    public const string VariesWithEncoding = "Accept-Encoding";

    public string ContentTypeFor(HttpRequest request) => ForBrowsers is not null && FeedsInBrowsers.IsBrowser(request) ? ForBrowsers : ContentType;
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
