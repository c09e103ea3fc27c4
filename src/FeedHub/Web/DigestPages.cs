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
        app.MapGet("/digest", async (HttpContext context, Digest digest, ComponentRenderer pages)
            => await DayAsync(context, digest, pages, await digest.LastFinishedDayAsync(context.RequestAborted)));
        app.MapGet("/digest/{date}", (HttpContext context, string date, Digest digest, ComponentRenderer pages)
            => TryParse(date, "yyyy-MM-dd", out var day) ? DayAsync(context, digest, pages, day)
                : TryParse(date, "yyyy-MM", out var month) ? MonthAsync(context, digest, pages, month)
                : Task.FromResult<IResult>(TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No digest for that day",
                    detail: $"'{date}' is not a day of the digest. The digest has days from {Digest.FirstDay:yyyy-MM-dd} to {Digest.LastDay:yyyy-MM-dd}, "
                        + $"at /digest/yyyy-MM-dd (a day) or /digest/yyyy-MM (a month), for example /digest/{digest.Today:yyyy-MM-dd}.")));
        foreach (var format in SyndicationFormat.All)
        {
            app.MapGet("/digest." + format.Extension, (HttpContext context, [AsParameters] DigestFeedRequest request) => FeedAsync(context, request, format));
        }

        return app;
    }

    /// <summary>A date of the digest's pages: a day or a month of the years 1000 to 9998 (with room for the day after).</summary>
    private static bool TryParse(string text, string format, out DateOnly date)
        => DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date) && date >= Digest.FirstDay && date <= Digest.LastDay;

    /// <summary>A day: its posts, the nearest days with posts on either side (however many empty days lie between), its month's calendar.</summary>
    private static Task<IResult> DayAsync(HttpContext context, Digest digest, ComponentRenderer pages, DateOnly date)
        => pages.ServeAsync<DigestPage>(context, async cancellationToken => new()
        {
            [nameof(DigestPage.Day)] = await digest.ReadDayAsync(date, cancellationToken),
            [nameof(DigestPage.Previous)] = await digest.NearestDayWithPostsAsync(date, TimeDirection.Older, cancellationToken),
            [nameof(DigestPage.Next)] = await digest.NearestDayWithPostsAsync(date, TimeDirection.Newer, cancellationToken),
            [nameof(DigestPage.Month)] = await digest.ReadMonthAsync(date, cancellationToken),
            [nameof(DigestPage.Today)] = digest.Today,
        }, variesWith: digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>A month: its calendar and days with posts, the way to any earlier day.</summary>
    private static Task<IResult> MonthAsync(HttpContext context, Digest digest, ComponentRenderer pages, DateOnly month)
        => pages.ServeAsync<DigestMonthPage>(context, async cancellationToken => new()
        {
            [nameof(DigestMonthPage.Month)] = await digest.ReadMonthAsync(month, cancellationToken),
            [nameof(DigestMonthPage.Today)] = digest.Today,
        }, variesWith: digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static Task<IResult> FeedAsync(HttpContext context, DigestFeedRequest request, SyndicationFormat format)
    {
        var origin = request.Address.Of(context);
        var hub = request.Hub.AdvertiseOn(context.Response, origin, FeedSelf(origin, format));
        return request.Responses.ServeFeedAsync(
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
        var days = await digest.DaysWithPostsAsync(digest.Today.AddDays(-digest.Options.DaysInFeed), digest.Today.AddDays(-1), cancellationToken);
        var entries = new List<PublishedEntry>();
        foreach (var date in days.OrderDescending())
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
            Stylesheet = FeedsInBrowsers.Stylesheet,
        };
        return format.Write(feed);
    }

    /// <summary>What a digest-feed request needs to be answered.</summary>
    private sealed record DigestFeedRequest(
        Digest Digest, IFeedStore Store, RenderedResponses Responses, ComponentRenderer Pages, PublicAddress Address, IOptions<SiteOptions> Site, TimeProvider Time,
        WebSubHub Hub);
}
