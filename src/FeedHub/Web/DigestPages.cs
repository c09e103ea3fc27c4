using System.Globalization;
using FeedHub.Core.Publishing;
using FeedHub.Hosting;
using FeedHub.Web.Digests;
using FeedHub.Web.Localization;
using FeedHub.Web.Rendering;
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
        app.MapGet("/digest.atom", (HttpContext context, Digest digest, RenderedResponses responses, ComponentRenderer pages, IOptions<SiteOptions> site)
            => FeedAsync(context, digest, responses, pages, site.Value, "digest.atom", SyndicationWriter.Atom, SyndicationWriter.AtomMediaType));
        app.MapGet("/digest.rss", (HttpContext context, Digest digest, RenderedResponses responses, ComponentRenderer pages, IOptions<SiteOptions> site)
            => FeedAsync(context, digest, responses, pages, site.Value, "digest.rss", SyndicationWriter.Rss, SyndicationWriter.RssMediaType));
        app.MapGet("/digest.json", (HttpContext context, Digest digest, RenderedResponses responses, ComponentRenderer pages, IOptions<SiteOptions> site)
            => FeedAsync(context, digest, responses, pages, site.Value, "digest.json", SyndicationWriter.Json, SyndicationWriter.JsonFeedMediaType));
        return app;
    }

    private static Task<IResult> DayAsync(HttpContext context, Digest digest, ComponentRenderer pages, DateOnly date)
        => pages.ServeAsync<DigestPage>(context, async cancellationToken => new()
        {
            [nameof(DigestPage.Day)] = await digest.ReadDayAsync(date, cancellationToken),
            [nameof(DigestPage.Recent)] = await digest.CountRecentDaysAsync(digest.Options.WeeksInCalendar * 7, cancellationToken),
            [nameof(DigestPage.Today)] = digest.Today,
        }, variesWith: digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static Task<IResult> FeedAsync(
        HttpContext context, Digest digest, RenderedResponses responses, ComponentRenderer pages, SiteOptions site, string path, Func<PublishedFeed, byte[]> write, string mediaType)
    {
        var origin = new Uri($"{context.Request.Scheme}://{context.Request.Host}/");
        return responses.ServeAsync(context, async cancellationToken =>
        {
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
                entries.Add(new PublishedEntry(url.AbsoluteUri, $"{site.Title} digest for {label}", url, day.End, day.LastChange ?? day.End, null, content, []));
            }

            var updated = entries.Count == 0 ? DateTimeOffset.UnixEpoch : entries.Max(e => e.Updated);
            var feed = new PublishedFeed($"{site.Title} daily digest", $"One entry a day with every post of that day on {site.Title}", new Uri(origin, path), new Uri(origin, "digest"), updated, entries);
            return write(feed);
        }, mediaType, variesWith: digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
