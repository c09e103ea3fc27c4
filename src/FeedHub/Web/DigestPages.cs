using System.Globalization;
using FeedHub.Core.Ingest;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Web.Digests;
using FeedHub.Web.Localization;
using FeedHub.Web.Rendering;
using FeedHub.WebSub;
using Microsoft.Extensions.Options;

namespace FeedHub.Web;

/// <summary>The daily digest: one page per day grouped by category then source, a calendar, and a feed with one entry per day.</summary>
public static class DigestPages
{
    public static IEndpointRouteBuilder MapDigestPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/digest", (HttpContext context, Digest digest, ComponentRenderer pages) => DayAsync(context, digest, pages, digest.Today));
        app.MapGet("/digest/{date}", (HttpContext context, string date, Digest digest, ComponentRenderer pages)
            => DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? DayAsync(context, digest, pages, day)
                : Task.FromResult<IResult>(TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not a day",
                    detail: $"'{date}' is not a date; digest pages are at /digest/yyyy-MM-dd, for example /digest/{digest.Today:yyyy-MM-dd}.")));
        foreach (var format in SyndicationFormat.All)
        {
            app.MapGet("/digest." + format.Extension, (HttpContext context, [AsParameters] DigestFeedRequest request) => FeedAsync(context, request, format));
        }

        return app;
    }

    private static Task<IResult> DayAsync(HttpContext context, Digest digest, ComponentRenderer pages, DateOnly date)
        => pages.ServeAsync<DigestPage>(context, async cancellationToken => new()
        {
            [nameof(DigestPage.Day)] = await digest.ReadDayAsync(date, cancellationToken),
            [nameof(DigestPage.Recent)] = await digest.CountRecentDaysAsync(digest.Options.WeeksInCalendar * 7, cancellationToken),
            [nameof(DigestPage.Today)] = digest.Today,
        }, variesWith: digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static Task<IResult> FeedAsync(HttpContext context, DigestFeedRequest request, SyndicationFormat format)
    {
        var origin = request.Address.Of(context);
        var hub = request.Hub.AdvertiseOn(context.Response, origin, FeedSelf(origin, format));
        return request.Responses.ServeAsync(
            context,
            _ => RenderFeedAsync(context, request.Digest, request.Store, request.Pages, request.Site.Value, request.Time, origin, format, hub),
            format.MediaType,
            variesWith: request.Digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>The address of a digest feed: its WebSub topic.</summary>
    public static Uri FeedSelf(Uri origin, SyndicationFormat format) => new(origin, "digest." + format.Extension);

    /// <summary>
    /// The digest feed: one entry per finished day. Each day's entry id is minted from the installation's own
    /// authority and the date, so it is the same on every node and never changes with the public address or the
    /// request's host.
    /// </summary>
    public static async Task<byte[]> RenderFeedAsync(
        HttpContext context, Digest digest, IFeedStore store, ComponentRenderer pages, SiteOptions site, TimeProvider time, Uri origin, SyndicationFormat format, Uri? hub)
    {
        var cancellationToken = context.RequestAborted;
        var authority = await EntryIds.InstallationAuthorityAsync(store, cancellationToken);
        var recent = await digest.CountRecentDaysAsync(digest.Options.DaysInFeed + 1, cancellationToken);
        var entries = new List<PublishedEntry>();
        foreach (var (date, _) in recent.Where(d => d.Date < digest.Today && d.Count > 0))
        {
            var day = await digest.ReadDayAsync(date, cancellationToken);
            var url = new Uri(origin, $"digest/{date:yyyy-MM-dd}");
            var label = date.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
            // Feeds are the same for every subscriber: their entries are written in the site's default language.
            var content = await InterfaceLanguage.InAsync(InterfaceLanguage.Default, () => pages.RenderAsync<DigestFeedEntry>(context, new()
            {
                [nameof(DigestFeedEntry.Day)] = day,
                [nameof(DigestFeedEntry.Origin)] = origin.AbsoluteUri.TrimEnd('/'),
            }));
            var id = string.Create(CultureInfo.InvariantCulture, $"tag:{authority},{date:yyyy-MM-dd}:digest");
            entries.Add(new PublishedEntry(id, $"{site.Title} digest for {label}", url, day.End, day.LastChange ?? day.End, null, content, []));
        }

        var updated = entries.Count == 0 ? time.GetUtcNow() : entries.Max(e => e.Updated);
        var feed = new PublishedFeed($"{site.Title} daily digest", $"One entry a day with every post of that day on {site.Title}", FeedSelf(origin, format), new Uri(origin, "digest"), updated, entries)
        {
            HubUrl = hub,
        };
        return format.Write(feed);
    }

    /// <summary>What a digest-feed request needs to be answered.</summary>
    private sealed record DigestFeedRequest(
        Digest Digest, IFeedStore Store, RenderedResponses Responses, ComponentRenderer Pages, PublicAddress Address, IOptions<SiteOptions> Site, TimeProvider Time,
        WebSubHub Hub);
}
