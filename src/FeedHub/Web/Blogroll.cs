using FeedHub.Core.Model;
using FeedHub.Core.Opml;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;

namespace FeedHub.Web;

/// <summary><c>/sources.opml</c>: the public blogroll of the active sources, by category.</summary>
public static class Blogroll
{
    public static IEndpointRouteBuilder MapBlogroll(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sources.opml", (HttpContext context, IFeedStore store, RenderedResponses responses, IOptions<SiteOptions> site, TimeProvider time)
            => responses.ServeAsync(context, async cancellationToken =>
            {
                var sources = (await store.ListSourceOutlinesAsync(cancellationToken)).Where(s => s.State == SourceState.Active);
                using var output = new MemoryStream();
                OpmlWriter.Write(output, $"{site.Value.Title} blogroll", sources, time.GetUtcNow());
                return output.ToArray();
            }, "text/x-opml; charset=utf-8", dependsOn: []));
        return app;
    }
}
