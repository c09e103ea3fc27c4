using System.Diagnostics.Metrics;
using FeedHub.Hosting;
using FeedHub.Storage.LiteDb;
using FeedHub.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FeedHub.Tests.Web;

/// <summary>The rendered-response cache stays within its byte budget however many pages are asked for.</summary>
public sealed class RenderedResponsesTests : IDisposable
{
    private const int BodyBytes = 2 * 1024 * 1024;
    private readonly string _data = Directory.CreateTempSubdirectory("feedhub-rendered-").FullName;
    private readonly LiteDbFeedStore _store;
    private readonly RenderedResponses _responses;
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public RenderedResponsesTests()
    {
        _store = new LiteDbFeedStore(Path.Combine(_data, "feedhub.db"), new LiteDbSearchOptions { Enabled = false });
        var address = new PublicAddress(Options.Create(new SiteOptions()), NullLogger<PublicAddress>.Instance);
        _responses = new RenderedResponses(_store, address, TimeProvider.System, _metrics.GetRequiredService<IMeterFactory>());
    }

    [Fact]
    public async Task Pages_past_the_byte_budget_do_not_grow_the_cache_and_a_kept_page_is_not_rendered_again()
    {
        // Random bodies do not compress: each page keeps about three times its size.
        var pages = (int)(2 * RenderedResponses.MaxBytes / (3 * BodyBytes)) + 1;
        for (var i = 0; i < pages; i++)
        {
            await ServeAsync($"/?source={i}", RandomBody);
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

    private async Task ServeAsync(string pathAndQuery, Func<CancellationToken, Task<byte[]>> render)
    {
        var context = new DefaultHttpContext();
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        var result = await _responses.ServeAsync(context, render, "text/html");
        Assert.NotNull(result);
    }
}
