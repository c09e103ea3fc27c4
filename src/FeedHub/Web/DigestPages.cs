using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// A day: its posts, the nearest days with posts on either side (however many empty days lie between), its month's
    /// calendar. The posts are rendered again only when the day's articles change; the links (probes of the river's
    /// index) and the calendar (kept per month by <see cref="Digest"/>) are read on every request and part of the
    /// cache key, so a new post today leaves a past day cached unless it changes what that day's page links to.
    /// </summary>
    private static async Task<IResult> DayAsync(HttpContext context, Digest digest, ComponentRenderer pages, DateOnly date)
    {
        var cancellationToken = context.RequestAborted;
        var (previous, next, month) = await digest.ReadLinksAsync(date, cancellationToken);
        var (start, end) = digest.Bounds(date);
        return await pages.ServeAsync<DigestPage>(context, async renderCancellationToken => new()
        {
            [nameof(DigestPage.Day)] = await digest.ReadDayAsync(date, renderCancellationToken),
            [nameof(DigestPage.Previous)] = previous,
            [nameof(DigestPage.Next)] = next,
            [nameof(DigestPage.Month)] = month,
            [nameof(DigestPage.Today)] = digest.Today,
        }, variesWith: $"{Day(digest.Today)}|{Day(date)}|{Day(previous)}|{Day(next)}|{Describe(month)}", dependsOn: [.. ContentScope.Hours(start, end)]);
    }

    /// <summary>A month: its calendar and days with posts, the way to any earlier day; read on every request (kept per month by <see cref="Digest"/>), rendered when it changes.</summary>
    private static async Task<IResult> MonthAsync(HttpContext context, Digest digest, ComponentRenderer pages, DateOnly month)
    {
        var calendar = await digest.ReadMonthAsync(month, context.RequestAborted);
        return await pages.ServeAsync<DigestMonthPage>(context, _ => Task.FromResult<Dictionary<string, object?>>(new()
        {
            [nameof(DigestMonthPage.Month)] = calendar,
            [nameof(DigestMonthPage.Today)] = digest.Today,
        }), variesWith: $"{Day(digest.Today)}|{Describe(calendar)}", dependsOn: []);
    }

    private static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";

    private static string Describe(DigestMonth month)
        => $"{Day(month.First)}:{Day(month.Previous)}:{Day(month.Next)}:{string.Join(',', month.DaysWithPosts.Order().Select(d => d.Day))}";

    private static Task<IResult> FeedAsync(HttpContext context, DigestFeedRequest request, SyndicationFormat format)
    {
        var origin = request.Address.Of(context);
        var hub = request.Hub.AdvertiseOn(context.Response, origin, FeedSelf(origin, format));
        return request.Responses.ServeFeedAsync(
            context,
            _ => RenderFeedAsync(context, request.Digest, request.Store, request.Entries, request.Pages, request.Site.Value, request.Time, origin, format, hub),
            format.MediaType,
            variesWith: Day(request.Digest.Today),
            dependsOn: [.. ContentScope.Hours(request.Digest.Bounds(FirstDayInFeed(request.Digest)).Start, request.Digest.Bounds(request.Digest.Today).Start)]);
    }

    /// <summary>The address of a digest feed: its WebSub topic.</summary>
    public static Uri FeedSelf(Uri origin, SyndicationFormat format) => new(origin, "digest." + format.Extension);

    /// <summary>
    /// The digest feed: one entry per finished day. Each day's entry id is minted from the installation's own
    /// authority and the date, so it is the same on every node and never changes with the public address or the
    /// request's host. Each day's entry is rendered and compressed once per change of that day (see
    /// <see cref="DigestFeedEntries"/>): the feed is written with a placeholder for each day's content, then the days
    /// kept deflated take their places in its gzip form. Two weeks of every post
    /// are megabytes (14 MB for 2,000 posts a day), which writing and compressing whole took most of a second.
    /// </summary>
    public static async Task<RenderedBody> RenderFeedAsync(
        HttpContext context, Digest digest, IFeedStore store, DigestFeedEntries kept, ComponentRenderer pages, SiteOptions site, TimeProvider time, Uri origin,
        SyndicationFormat format, Uri? hub)
    {
        var cancellationToken = context.RequestAborted;
        var authority = await EntryIds.InstallationAuthorityAsync(store, cancellationToken);
        var first = FirstDayInFeed(digest);
        kept.ForgetBefore(first);
        var days = await digest.DaysWithPostsAsync(first, digest.Today.AddDays(-1), cancellationToken);
        var entries = new List<PublishedEntry>();
        var contents = new List<DigestFeedEntries.Entry>();
        foreach (var date in days.OrderDescending())
        {
            // Feeds are the same for every subscriber: their entries are written in the site's default language.
            var entry = await kept.GetAsync(digest, date, origin, format, day => InterfaceLanguage.InAsync(InterfaceLanguage.Default, () => pages.RenderAsync<DigestFeedEntry>(context, new()
            {
                [nameof(DigestFeedEntry.Day)] = day,
                [nameof(DigestFeedEntry.Origin)] = origin.AbsoluteUri.TrimEnd('/'),
            })), cancellationToken);
            var url = new Uri(origin, $"digest/{date:yyyy-MM-dd}");
            var label = date.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
            var id = string.Create(CultureInfo.InvariantCulture, $"tag:{authority},{date:yyyy-MM-dd}:digest");
            entries.Add(new PublishedEntry(id, $"{site.Title} digest for {label}", url, entry.End, entry.LastChange ?? entry.End, null, ContentPlaceholder(contents.Count), []));
            contents.Add(entry);
        }

        var updated = entries.Count == 0 ? time.GetUtcNow() : entries.Max(e => e.Updated);
        var feed = new PublishedFeed($"{site.Title} daily digest", $"One entry a day with every post of that day on {site.Title}", FeedSelf(origin, format), new Uri(origin, "digest"), updated, entries)
        {
            Id = EntryIds.Feed(authority, "digest"),
            HubUrl = hub,
            Stylesheet = FeedsInBrowsers.Stylesheet,
        };
        return Splice(format.Write(feed), contents);
    }

    /// <summary>Marks where a day's content goes in the written feed: letters and digits, which every format writes as they are.</summary>
    private static readonly string PlaceholderMarker = $"feedhub-digest-content-{Guid.NewGuid():N}-";

    private static string ContentPlaceholder(int index) => string.Create(CultureInfo.InvariantCulture, $"{PlaceholderMarker}{index:D4}");

    /// <summary>
    /// The written feed with each placeholder replaced by its day's content, in gzip only (the days are kept deflated),
    /// with its ETag stem from what was written and the days' hashes.
    /// </summary>
    private static RenderedBody Splice(byte[] written, List<DigestFeedEntries.Entry> contents)
    {
        var marker = Encoding.ASCII.GetBytes(PlaceholderMarker);
        var segments = new List<GzipSegments.Segment>(2 * contents.Count + 1);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var from = 0;
        int found;
        while ((found = written.AsSpan(from).IndexOf(marker)) >= 0)
        {
            var at = from + found;
            AddWritten(written.AsSpan(from, at - from));
            var index = int.Parse(Encoding.ASCII.GetString(written, at + marker.Length, 4), CultureInfo.InvariantCulture);
            segments.Add(contents[index].Content);
            hash.AppendData(contents[index].ContentHash);
            from = at + marker.Length + 4;
        }

        AddWritten(written.AsSpan(from));
        return RenderedBody.Gzipped(GzipSegments.Assemble(segments), segments.Sum(s => s.Length), Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 12)));

        void AddWritten(ReadOnlySpan<byte> part)
        {
            segments.Add(GzipSegments.Deflate(part));
            hash.AppendData(part);
        }
    }

    /// <summary>The digest feed has the finished days from this one to yesterday.</summary>
    private static DateOnly FirstDayInFeed(Digest digest) => digest.Today.AddDays(-digest.Options.DaysInFeed);

    /// <summary>What a digest-feed request needs to be answered.</summary>
    private sealed record DigestFeedRequest(
        Digest Digest, IFeedStore Store, DigestFeedEntries Entries, RenderedResponses Responses, ComponentRenderer Pages, PublicAddress Address, IOptions<SiteOptions> Site,
        TimeProvider Time, WebSubHub Hub);
}
