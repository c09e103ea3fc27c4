using System.Collections.Concurrent;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Publishing;

/// <summary>
/// One day of the digest: its posts grouped by category, then by source. A story several sources told that day is
/// listed once, as the river shows it: under the source of its first article, the others in <see cref="AlsoOn"/>.
/// </summary>
public sealed record DigestDay(DateOnly Date, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<DigestCategory> Categories)
{
    public int ArticleCount => Categories.Sum(c => c.ArticleCount);

    /// <summary>The last change of the day's posts, the other sources' copies included.</summary>
    public DateTimeOffset? LastChange { get; init; }

    /// <summary>The other sources that told a listed post's story on the day, by the post's id.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<SourceHeading>> AlsoOn { get; init; } = new Dictionary<long, IReadOnlyList<SourceHeading>>();
}

public sealed record DigestCategory(string? Name, IReadOnlyList<DigestSource> Sources)
{
    public int ArticleCount => Sources.Sum(s => s.Articles.Count);
}

public sealed record DigestSource(SourceHeading Source, IReadOnlyList<DigestPost> Articles);

/// <summary>A month of the digest's calendar.</summary>
/// <param name="First">The month's first day.</param>
/// <param name="DaysWithPosts">The month's days that have posts (the others are not links).</param>
/// <param name="Previous">The first day of the nearest earlier month with posts, if any.</param>
/// <param name="Next">The first day of the nearest later month with posts, if any.</param>
public sealed record DigestMonth(DateOnly First, IReadOnlySet<DateOnly> DaysWithPosts, DateOnly? Previous, DateOnly? Next)
{
    public DateOnly Last => First.AddMonths(1).AddDays(-1);
}

/// <summary>What a day's page links to: the nearest days with posts on either side and its month's calendar.</summary>
public sealed record DigestLinks(DateOnly? Previous, DateOnly? Next, DigestMonth Month);

/// <summary>
/// The daily digest: the articles first published on one day in the configured time zone (by the same clamped
/// date as the river), grouped by category then source. Moving between days and months asks the store which days
/// have posts (index probes), never reads the articles of days it does not show.
/// </summary>
public sealed class Digest(IFeedStore store, IOptions<DigestOptions> options, TimeProvider timeProvider)
{
    private const int MaxArticlesPerDay = 2000;
    private const int MaxMonthsKept = 1200;

    /// <summary>The posts kept by hour (see <see cref="ReadPostsAsync"/>): a month of full days; past that they start over.</summary>
    private const int MaxPostsKept = 31 * MaxArticlesPerDay;

    /// <summary>The first day with a digest: pages reach a month and its neighbours on either side, so the calendar's ends stay out of reach.</summary>
    public static readonly DateOnly FirstDay = new(1000, 1, 1);

    /// <summary>The last day with a digest (see <see cref="FirstDay"/>).</summary>
    public static readonly DateOnly LastDay = new(9998, 12, 31);
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
    private readonly ConcurrentDictionary<DateOnly, (long Version, IReadOnlySet<DateOnly> Days)> _months = new();
    private readonly ConcurrentDictionary<(DateTimeOffset Start, DateTimeOffset End), KeptHour> _hours = new();
    private readonly ConcurrentDictionary<DateOnly, (long RiverVersion, DigestMonth Month)> _calendars = new();
    private readonly ConcurrentDictionary<DateOnly, (long RiverVersion, DigestLinks Links)> _links = new();
    private KeptLastDay? _lastFinished;
    private int _postsKept;

    public DigestOptions Options => options.Value;

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), _zone).DateTime);

    public async Task<DigestDay> ReadDayAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var (start, end) = Bounds(date);
        var articles = await ReadPostsAsync(start, end, cancellationToken).ConfigureAwait(false);
        // Only the sources the day's posts name: a planet of 10,000 sources has a few hundred in a day.
        var sources = (await store.GetSourceHeadingsAsync(articles.Select(a => a.SourceId).ToHashSet(), cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Id);
        // A story several sources told that day is listed once, as the river shows it: under the source of its first
        // article, crediting the others. A copy whose first article is not listed that day (told the day before, or its
        // source removed with its articles kept) is a post of that day like any other, so no day with posts reads empty.
        var known = articles.Where(a => sources.ContainsKey(a.SourceId)).ToList();
        var firsts = known.Where(a => a.DuplicateOf is null).Select(a => a.Id).ToHashSet();
        var folded = known.Where(a => a.DuplicateOf is { } lead && firsts.Contains(lead)).ToList();
        var listed = known.Except(folded).ToList();
        var alsoOn = folded
            .GroupBy(a => a.DuplicateOf!.Value)
            .ToDictionary(
                story => story.Key,
                story => (IReadOnlyList<SourceHeading>)[.. story.Select(a => a.SourceId).Distinct().Select(id => sources[id]).OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)]);
        var categories = listed
            .GroupBy(a => sources[a.SourceId].Categories is [var first, ..] ? first : null)
            .OrderBy(g => g.Key is null ? 1 : 0).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new DigestCategory(g.Key, g
                .GroupBy(a => a.SourceId)
                .Select(s => new DigestSource(sources[s.Key], s.OrderByDescending(a => a.SortDate).ToList()))
                .OrderBy(s => s.Source.Name, StringComparer.OrdinalIgnoreCase)
                .ToList()))
            .ToList();
        return new DigestDay(date, start, end, categories)
        {
            LastChange = known.Count == 0 ? null : known.Max(a => a.ChangedAt),
            AlsoOn = alsoOn,
        };
    }

    /// <summary>
    /// The newest posts from <paramref name="start"/> to <paramref name="end"/> (at most a day's worth), newest first: only
    /// what the digest shows of each post, from the river's index, an hour (UTC) at a time. Each hour is kept with its
    /// content version, so a post added to a day reads its hour again (a day of 2,000 posts: about 80), not the day.
    /// </summary>
    private async Task<List<DigestPost>> ReadPostsAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var posts = new List<DigestPost>();
        var versions = await store.GetHourVersionsAsync(new TimeRange(start, end), cancellationToken).ConfigureAwait(false);
        var last = end.UtcDateTime.AddTicks(-1);
        for (var hour = new DateTimeOffset(last.Year, last.Month, last.Day, last.Hour, 0, 0, TimeSpan.Zero); hour.AddHours(1) > start && posts.Count < MaxArticlesPerDay; hour = hour.AddHours(-1))
        {
            // A zone's midnight may fall within an hour: the day takes its own part of it.
            var part = (Start: hour > start ? hour : start, End: hour.AddHours(1) < end ? hour.AddHours(1) : end);
            var wanted = MaxArticlesPerDay - posts.Count;
            var version = versions[ContentScope.Hour(hour)];
            if (!_hours.TryGetValue(part, out var kept) || kept.Version != version || (kept.Posts.Count == kept.Asked && kept.Asked < wanted))
            {
                var replaced = kept?.Posts.Count ?? 0;
                kept = new KeptHour(version, wanted, await store.ListDigestPostsAsync(new TimeRange(part.Start, part.End), wanted, cancellationToken).ConfigureAwait(false));
                if (Interlocked.Add(ref _postsKept, kept.Posts.Count - replaced) > MaxPostsKept)
                {
                    _hours.Clear();
                    Interlocked.Exchange(ref _postsKept, kept.Posts.Count);
                }

                _hours[part] = kept;
            }

            posts.AddRange(kept.Posts.Take(wanted));
        }

        return posts;
    }

    /// <summary>
    /// The day <c>/digest</c> opens on: the last finished day (before today) that has posts, however long ago; yesterday
    /// when no finished day has any.
    /// </summary>
    public async Task<DateOnly> LastFinishedDayAsync(CancellationToken cancellationToken)
    {
        var (today, riverVersion) = (Today, await RiverVersionAsync(cancellationToken).ConfigureAwait(false));
        if (_lastFinished is { } kept && kept.Today == today && kept.RiverVersion == riverVersion)
        {
            return kept.Day;
        }

        var day = await NearestDayWithPostsAsync(today, TimeDirection.Older, cancellationToken).ConfigureAwait(false) ?? today.AddDays(-1);
        _lastFinished = new KeptLastDay(today, riverVersion, day);
        return day;
    }

    /// <summary>
    /// What the page of <paramref name="date"/> links to. Which days have posts changes only when an article is written
    /// or removed, or the sources change, all of which move the river's version: while it stays, the links and the
    /// calendar are kept, so a warm digest page reads one version instead of probing the river's index five times.
    /// </summary>
    public async Task<DigestLinks> ReadLinksAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var riverVersion = await RiverVersionAsync(cancellationToken).ConfigureAwait(false);
        if (_links.TryGetValue(date, out var kept) && kept.RiverVersion == riverVersion)
        {
            return kept.Links;
        }

        var links = new DigestLinks(
            await NearestDayWithPostsAsync(date, TimeDirection.Older, cancellationToken).ConfigureAwait(false),
            await NearestDayWithPostsAsync(date, TimeDirection.Newer, cancellationToken).ConfigureAwait(false),
            await ReadMonthAsync(date, riverVersion, cancellationToken).ConfigureAwait(false));
        Keep(_links, date, (riverVersion, links));
        return links;
    }

    /// <summary>The version read before what is kept under it, so that what is kept is never older than its version.</summary>
    private Task<long> RiverVersionAsync(CancellationToken cancellationToken)
        => store.GetContentVersionAsync([ContentScope.River], cancellationToken);

    private static void Keep<TValue>(ConcurrentDictionary<DateOnly, TValue> kept, DateOnly key, TValue value)
    {
        if (kept.Count >= MaxMonthsKept)
        {
            kept.Clear();
        }

        kept[key] = value;
    }

    /// <summary>The nearest day before <paramref name="date"/> (or after it) that has posts, skipping empty days; null when there is none.</summary>
    public async Task<DateOnly?> NearestDayWithPostsAsync(DateOnly date, TimeDirection direction, CancellationToken cancellationToken)
    {
        var (start, end) = Bounds(date);
        var found = await store.FindNearestArticleDateAsync(direction == TimeDirection.Older ? start : end, direction, cancellationToken).ConfigureAwait(false);
        return found is { } instant ? LocalDate(instant) : null;
    }

    /// <summary>The days from <paramref name="first"/> to <paramref name="last"/> (both included) that have posts.</summary>
    public async Task<IReadOnlySet<DateOnly>> DaysWithPostsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var days = new List<DateOnly>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            days.Add(day);
        }

        var periods = days.Select(day =>
        {
            var (start, end) = Bounds(day);
            return new TimeRange(start, end);
        }).ToList();
        var found = await store.HaveArticlesAsync(periods, cancellationToken).ConfigureAwait(false);
        return days.Where((_, i) => found[i]).ToHashSet();
    }

    /// <summary>A month of the calendar: its days with posts, and the nearest months before and after it that have any.</summary>
    /// <param name="month">Any day of the month.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<DigestMonth> ReadMonthAsync(DateOnly month, CancellationToken cancellationToken)
        => await ReadMonthAsync(month, await RiverVersionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>The month kept while the river's version stays (see <see cref="ReadLinksAsync"/>).</summary>
    private async Task<DigestMonth> ReadMonthAsync(DateOnly month, long riverVersion, CancellationToken cancellationToken)
    {
        var first = FirstOfMonth(month);
        if (_calendars.TryGetValue(first, out var calendar) && calendar.RiverVersion == riverVersion)
        {
            return calendar.Month;
        }

        var read = await ReadMonthFromStoreAsync(first, cancellationToken).ConfigureAwait(false);
        Keep(_calendars, first, (riverVersion, read));
        return read;
    }

    private async Task<DigestMonth> ReadMonthFromStoreAsync(DateOnly first, CancellationToken cancellationToken)
    {
        var last = first.AddMonths(1).AddDays(-1);
        // A month's days with posts are probed again only when one of its days changed: a past day's page, which
        // shows its month, then stays cached while today's posts arrive in another month.
        var version = await store.GetContentVersionAsync([.. ContentScope.Hours(Bounds(first).Start, Bounds(last).End)], cancellationToken).ConfigureAwait(false);
        if (!_months.TryGetValue(first, out var kept) || kept.Version != version)
        {
            kept = (version, await DaysWithPostsAsync(first, last, cancellationToken).ConfigureAwait(false));
            Keep(_months, first, kept);
        }

        var days = kept.Days;
        var previous = await NearestDayWithPostsAsync(first, TimeDirection.Older, cancellationToken).ConfigureAwait(false);
        var next = await NearestDayWithPostsAsync(last, TimeDirection.Newer, cancellationToken).ConfigureAwait(false);
        return new DigestMonth(first, days, previous is { } p ? FirstOfMonth(p) : null, next is { } n ? FirstOfMonth(n) : null);
    }

    private static DateOnly FirstOfMonth(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>An hour's posts as read at a version: all of them when fewer than <paramref name="Asked"/>.</summary>
    private sealed record KeptHour(long Version, int Asked, IReadOnlyList<DigestPost> Posts);

    /// <summary>The last finished day with posts as found on <paramref name="Today"/> at the river's version.</summary>
    private sealed record KeptLastDay(DateOnly Today, long RiverVersion, DateOnly Day);

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>An instant as the clock of the configured zone shows it.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, _zone);

    /// <summary>The instants of the day's two midnights in the configured zone (days may be 23 or 25 hours long).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) Bounds(DateOnly date)
        => (Midnight(date), Midnight(date.AddDays(1)));

    private DateTimeOffset Midnight(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (_zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
