using System.Diagnostics.Metrics;
using FeedHub.Hosting;
using FeedHub.Storage.LiteDb;
using FeedHub.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.FileProviders;

namespace FeedHub.Tests.Web;

/// <summary>
/// The rendered-response cache stays within its byte budget however many pages are asked for, and compresses a body
/// only in the encodings clients ask for.
/// </summary>
public sealed class RenderedResponsesTests : IDisposable
{
    private const int BodyBytes = 2 * 1024 * 1024;
    private readonly string _data = Directory.CreateTempSubdirectory("feedhub-rendered-").FullName;
    private readonly LiteDbFeedStore _store;
    private readonly RenderedResponses _responses;
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().AddLogging().BuildServiceProvider();

    public RenderedResponsesTests()
    {
        _store = new LiteDbFeedStore(Path.Combine(_data, "feedhub.db"), new LiteDbSearchOptions { Enabled = false });
        var address = new PublicAddress(Options.Create(new SiteOptions()), NullLogger<PublicAddress>.Instance);
        _responses = new RenderedResponses(_store, address, new WarmUpRequests(), new FeedPages(new NullFileProvider()), TimeProvider.System, _metrics.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public async Task Pages_past_the_byte_budget_do_not_grow_the_cache_and_a_kept_page_is_not_rendered_again()
    {
        // Random bodies do not compress: a page asked for in every encoding keeps about three times its size.
        var pages = (int)(2 * RenderedResponses.MaxBytes / (3 * BodyBytes)) + 1;
        for (var i = 0; i < pages; i++)
        {
            foreach (var encoding in new[] { "br", "gzip", "identity" })
            {
                await ServeAsync($"/?source={i}", RandomBody, encoding);
            }

            Assert.InRange(_responses.KeptBytes, 3 * BodyBytes, RenderedResponses.MaxBytes);
        }

        var renders = 0;
        await ServeAsync($"/?source={pages - 1}", _ =>
        {
            renders++;
            return RandomBody(CancellationToken.None);
        });
        Assert.Equal(0, renders);
    }

    [Fact]
    public async Task A_body_is_compressed_once_for_each_encoding_asked_for()
    {
        await ServeAsync("/digest", RandomBody, "identity");
        Assert.Equal(BodyBytes, _responses.KeptBytes);

        var gzip = await ServeAsync("/digest", RandomBody, "gzip");
        Assert.Equal("gzip", gzip.Response.Headers.ContentEncoding);
        var withGzip = _responses.KeptBytes;
        Assert.True(withGzip > BodyBytes, $"{withGzip} bytes kept after a gzip request");

        await ServeAsync("/digest", RandomBody, "gzip, deflate");
        Assert.Equal(withGzip, _responses.KeptBytes);

        var brotli = await ServeAsync("/digest", RandomBody, "gzip, deflate, br");
        Assert.Equal("br", brotli.Response.Headers.ContentEncoding);
        Assert.True(_responses.KeptBytes > withGzip, $"{_responses.KeptBytes} bytes kept after a Brotli request");
    }

    [Fact]
    public async Task A_body_larger_than_the_budget_is_served_but_not_kept()
    {
        var huge = new byte[RenderedResponses.MaxBytes + 1];
        Random.Shared.NextBytes(huge);
        await ServeAsync("/digest", _ => Task.FromResult(huge));
        Assert.Equal(0, _responses.KeptBytes);
    }

    public void Dispose()
    {
        _store.Dispose();
        _metrics.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private static Task<byte[]> RandomBody(CancellationToken cancellationToken)
    {
        var body = new byte[BodyBytes];
        Random.Shared.NextBytes(body);
        return Task.FromResult(body);
    }

    /// <summary>Serves the page and writes the result into the returned context's response.</summary>
    private async Task<HttpContext> ServeAsync(string pathAndQuery, Func<CancellationToken, Task<byte[]>> render, string acceptEncoding = "identity")
    {
        var context = new DefaultHttpContext { RequestServices = _metrics };
        context.Response.Body = new MemoryStream();
        context.Request.Headers.AcceptEncoding = acceptEncoding;
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        var result = await _responses.ServeAsync(context, render, "text/html");
        await result.ExecuteAsync(context);
        return context;
    }
}
