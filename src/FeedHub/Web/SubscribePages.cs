using FeedHub.Core.Model;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Web.Rendering;
using FeedHub.Web.Subscribe;

namespace FeedHub.Web;

/// <summary>
/// How to follow FeedHub in a feed reader: <c>/subscribe</c> lists every feed with what it is for and its address to
/// copy, and <c>/blogroll</c> is the public blogroll (<c>/sources.opml</c>) as a page, with each source's feeds.
/// </summary>
public static class SubscribePages
{
    public static IEndpointRouteBuilder MapSubscribePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/subscribe", (HttpContext context, IFeedStore store, PublicAddress address, ComponentRenderer pages)
            => pages.ServeAsync<SubscribePage>(context, async cancellationToken => new()
            {
                [nameof(SubscribePage.Origin)] = address.Of(context),
                [nameof(SubscribePage.Categories)] = await River.CategoriesAsync(store, cancellationToken),
            }, dependsOn: []));
        app.MapGet("/blogroll", (HttpContext context, IFeedStore store, PublicAddress address, ComponentRenderer pages)
            => pages.ServeAsync<BlogrollPage>(context, async cancellationToken => new()
            {
                [nameof(BlogrollPage.Origin)] = address.Of(context),
                [nameof(BlogrollPage.Sources)] = (await store.ListSourceOutlinesAsync(cancellationToken)).Where(s => s.State == SourceState.Active).ToList(),
            }, dependsOn: []));
        return app;
    }
}
