using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Options;

namespace FeedHub.Core.Publishing;

/// <summary>One day of the digest: its articles grouped by category, then by source.</summary>
public sealed record DigestDay(DateOnly Date, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<DigestCategory> Categories)
{
    public int ArticleCount => Categories.Sum(c => c.ArticleCount);

    public DateTimeOffset? LastChange => Categories.SelectMany(c => c.Sources).SelectMany(s => s.Articles).Select(a => (DateTimeOffset?)a.ChangedAt).Max();
}

public sealed record DigestCategory(string? Name, IReadOnlyList<DigestSource> Sources)
{
    public int ArticleCount => Sources.Sum(s => s.Articles.Count);
}

public sealed record DigestSource(Source Source, IReadOnlyList<Article> Articles);

/// <summary>
/// The daily digest: the articles first published on one day in the configured time zone (by the same clamped
/// date as the river), grouped by category then source.
/// </summary>
public sealed class Digest(IFeedStore store, IOptions<DigestOptions> options, TimeProvider timeProvider)
{
    private const int MaxArticlesPerDay = 2000;

    /// <summary>The first day with a digest: the calendar's first midnight lies before the first instant east of Greenwich.</summary>
    public static readonly DateOnly FirstDay = DateOnly.MinValue.AddDays(1);

    /// <summary>The last day with a digest: a day ends at the next one's midnight, and the calendar's last day has none.</summary>
    public static readonly DateOnly LastDay = DateOnly.MaxValue.AddDays(-1);
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DigestOptions Options => options.Value;

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), _zone).DateTime);

    public async Task<DigestDay> ReadDayAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var (start, end) = Bounds(date);
        var sources = (await store.ListSourcesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Id);
        var articles = await store.ListArticlesAsync(new ArticleQuery { From = start, To = end, Limit = MaxArticlesPerDay }, cancellationToken).ConfigureAwait(false);
        var categories = articles
            .Where(a => sources.ContainsKey(a.SourceId))
            .GroupBy(a => sources[a.SourceId].Categories.FirstOrDefault())
            .OrderBy(g => g.Key is null ? 1 : 0).ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new DigestCategory(g.Key, g
                .GroupBy(a => a.SourceId)
                .Select(s => new DigestSource(sources[s.Key], s.OrderByDescending(a => a.SortDate).ToList()))
                .OrderBy(s => s.Source.Name, StringComparer.OrdinalIgnoreCase)
                .ToList()))
            .ToList();
        return new DigestDay(date, start, end, categories);
    }

    /// <summary>How many articles each of the last days has, newest day first, for the calendar and the digest feed.</summary>
    public async Task<IReadOnlyList<(DateOnly Date, int Count)>> CountRecentDaysAsync(int days, CancellationToken cancellationToken)
    {
        var today = Today;
        var first = today.AddDays(-(days - 1));
        var (start, _) = Bounds(first);
        var (_, end) = Bounds(today);
        var articles = await store.ListArticlesAsync(new ArticleQuery { From = start, To = end, Limit = MaxArticlesPerDay * 4 }, cancellationToken).ConfigureAwait(false);
        var counts = articles.GroupBy(a => LocalDate(a.SortDate)).ToDictionary(g => g.Key, g => g.Count());
        return Enumerable.Range(0, days).Select(i => today.AddDays(-i)).Select(d => (d, counts.GetValueOrDefault(d))).ToList();
    }

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
