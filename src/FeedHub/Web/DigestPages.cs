using System.Globalization;
using System.Text;
using FeedHub.Core.Ingest;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;

namespace FeedHub.Web;

/// <summary>The daily digest: one page per day grouped by category then source, a calendar, and a feed with one entry per day.</summary>
public static class DigestPages
{
    public static IEndpointRouteBuilder MapDigestPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/digest", (HttpContext context, Digest digest, RenderedResponses responses, IOptions<SiteOptions> site)
            => DayAsync(context, digest, responses, site.Value, digest.Today));
        app.MapGet("/digest/{date}", (HttpContext context, string date, Digest digest, RenderedResponses responses, IOptions<SiteOptions> site)
            => DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? DayAsync(context, digest, responses, site.Value, day)
                : Task.FromResult<IResult>(TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not a day",
                    detail: $"'{date}' is not a date; digest pages are at /digest/yyyy-MM-dd, for example /digest/{digest.Today:yyyy-MM-dd}.")));
        app.MapGet("/digest.atom", (HttpContext context, [AsParameters] DigestFeedRequest request)
            => FeedAsync(context, request, "digest.atom", SyndicationWriter.Atom, SyndicationWriter.AtomMediaType));
        app.MapGet("/digest.rss", (HttpContext context, [AsParameters] DigestFeedRequest request)
            => FeedAsync(context, request, "digest.rss", SyndicationWriter.Rss, SyndicationWriter.RssMediaType));
        app.MapGet("/digest.json", (HttpContext context, [AsParameters] DigestFeedRequest request)
            => FeedAsync(context, request, "digest.json", SyndicationWriter.Json, SyndicationWriter.JsonFeedMediaType));
        return app;
    }

    private static Task<IResult> DayAsync(HttpContext context, Digest digest, RenderedResponses responses, SiteOptions site, DateOnly date)
        => responses.ServeAsync(context, async cancellationToken =>
        {
            var day = await digest.ReadDayAsync(date, cancellationToken);
            var recent = await digest.CountRecentDaysAsync(digest.Options.WeeksInCalendar * 7, cancellationToken);
            return Encoding.UTF8.GetBytes(RenderDay(day, recent, digest, site).Value);
        }, "text/html; charset=utf-8", variesWith: digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static Markup RenderDay(DigestDay day, IReadOnlyList<(DateOnly Date, int Count)> recent, Digest digest, SiteOptions site)
    {
        var title = day.Date.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
        var today = digest.Today;
        var previous = Markup.Of($"""<a rel="prev" href="/digest/{day.Date.AddDays(-1):yyyy-MM-dd}">← {day.Date.AddDays(-1).ToString("d MMM", CultureInfo.InvariantCulture)}</a>""");
        var next = day.Date < today
            ? Markup.Of($"""<a rel="next" href="/digest/{day.Date.AddDays(1):yyyy-MM-dd}">{day.Date.AddDays(1).ToString("d MMM", CultureInfo.InvariantCulture)} →</a>""")
            : Markup.Of($"<span></span>");
        var summary = day.ArticleCount == 0
            ? Markup.Of($"""<p class="empty">No posts were published on {title}{(day.Date > today ? " (that day has not come yet)" : string.Empty)}.</p>""")
            : Markup.Of($"""<p class="count">{day.ArticleCount} {(day.ArticleCount == 1 ? "post" : "posts")} from {day.Categories.Sum(c => c.Sources.Count)} {(day.Categories.Sum(c => c.Sources.Count) == 1 ? "source" : "sources")}</p>""");
        var main = Markup.Of($"""
            <h1>Digest for {title}</h1>
            <nav class="digest-nav" aria-label="Days">{previous}{next}</nav>
            {summary}
            <div class="digest">{DayContent(day, digest, linkToPages: true)}</div>
            {Calendar(recent, day.Date, today)}
            """);
        IReadOnlyList<AlternateFeed> feeds =
        [
            new($"{site.Title} daily digest (Atom)", "/digest.atom", "application/atom+xml"),
            new($"{site.Title} daily digest (JSON Feed)", "/digest.json", "application/feed+json"),
            new($"{site.Title} daily digest (RSS)", "/digest.rss", "application/rss+xml"),
        ];
        return Layout.Page(site.Title, $"Digest for {title} · {site.Title}", main, feeds);
    }

    private static Markup DayContent(DigestDay day, Digest digest, bool linkToPages, Uri? origin = null)
        => Markup.Join(day.Categories.Select(category => Markup.Of($"""
            <section><h2>{category.Name ?? "Uncategorised"} <span class="count">({category.ArticleCount})</span></h2>
            {category.Sources.Select(source => Markup.Of($"""
                <h3><a href="{(origin is null ? string.Empty : origin.AbsoluteUri.TrimEnd('/'))}/?source={source.Source.Id}">{source.Source.Name}</a> <span class="count">({source.Articles.Count})</span></h3>
                <ul>{source.Articles.Select(article => Markup.Of($"""
                    <li data-entry><a data-open dir="auto" href="{(linkToPages ? $"/articles/{article.Id}" : article.Link ?? new Uri(origin!, $"articles/{article.Id}").AbsoluteUri)}">{article.Title ?? "(untitled)"}</a>{(article.Author is null ? Markup.Empty : Markup.Of($" <span class=\"count\">by {article.Author}</span>"))} <span class="count">{digest.ToLocal(article.SortDate).ToString("HH:mm", CultureInfo.InvariantCulture)}</span></li>
                    """))}</ul>
                """))}
            </section>
            """)));

    private static Markup Calendar(IReadOnlyList<(DateOnly Date, int Count)> recent, DateOnly shown, DateOnly today)
    {
        var counts = recent.ToDictionary(d => d.Date, d => d.Count);
        var first = recent[^1].Date;
        first = first.AddDays(-(((int)first.DayOfWeek + 6) % 7));
        var weeks = new List<Markup>();
        for (var monday = first; monday <= today; monday = monday.AddDays(7))
        {
            var cells = Enumerable.Range(0, 7).Select(i => monday.AddDays(i)).Select(day =>
            {
                if (day > today)
                {
                    return Markup.Of($"<td></td>");
                }

                var count = counts.GetValueOrDefault(day);
                var current = day == shown ? Markup.Of($""" aria-current="date" """) : Markup.Empty;
                var label = $"{day.ToString("d MMMM", CultureInfo.InvariantCulture)}: {count} {(count == 1 ? "post" : "posts")}";
                return Markup.Of($"""<td class="{(count > 0 ? "has" : "none")}"{current}><a href="/digest/{day:yyyy-MM-dd}" title="{label}" aria-label="{label}">{day.Day}</a></td>""");
            });
            weeks.Add(Markup.Of($"<tr>{cells}</tr>"));
        }

        return Markup.Of($"""
            <table class="calendar"><caption>The last weeks</caption>
            <thead><tr><th scope="col">Mon</th><th scope="col">Tue</th><th scope="col">Wed</th><th scope="col">Thu</th><th scope="col">Fri</th><th scope="col">Sat</th><th scope="col">Sun</th></tr></thead>
            <tbody>{weeks}</tbody></table>
            """);
    }

    /// <summary>
    /// One entry per finished day. Each day's entry id is minted from the installation's own authority and the date,
    /// so it is the same on every node and never changes with the public address or the request's host.
    /// </summary>
    private static Task<IResult> FeedAsync(HttpContext context, DigestFeedRequest request, string path, Func<PublishedFeed, byte[]> write, string mediaType)
    {
        var (digest, site) = (request.Digest, request.Site.Value);
        var origin = request.Address.Of(context);
        return request.Responses.ServeAsync(context, async cancellationToken =>
        {
            var authority = await EntryIds.InstallationAuthorityAsync(request.Store, cancellationToken);
            var recent = await digest.CountRecentDaysAsync(digest.Options.DaysInFeed + 1, cancellationToken);
            var entries = new List<PublishedEntry>();
            foreach (var (date, count) in recent.Where(d => d.Date < digest.Today && d.Count > 0))
            {
                var day = await digest.ReadDayAsync(date, cancellationToken);
                var url = new Uri(origin, $"digest/{date:yyyy-MM-dd}");
                var label = date.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
                var content = Markup.Of($"""<p>{count} {(count == 1 ? "post" : "posts")} on {label}.</p>{DayContent(day, digest, linkToPages: false, origin)}""");
                var id = string.Create(CultureInfo.InvariantCulture, $"tag:{authority},{date:yyyy-MM-dd}:digest");
                entries.Add(new PublishedEntry(id, $"{site.Title} digest for {label}", url, day.End, day.LastChange ?? day.End, null, content.Value, []));
            }

            var updated = entries.Count == 0 ? request.Time.GetUtcNow() : entries.Max(e => e.Updated);
            var feed = new PublishedFeed($"{site.Title} daily digest", $"One entry a day with every post of that day on {site.Title}", new Uri(origin, path), new Uri(origin, "digest"), updated, entries);
            return write(feed);
        }, mediaType, variesWith: digest.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>What a digest-feed request needs to be answered.</summary>
    private sealed record DigestFeedRequest(
        Digest Digest, IFeedStore Store, RenderedResponses Responses, PublicAddress Address, IOptions<SiteOptions> Site, TimeProvider Time);
}
