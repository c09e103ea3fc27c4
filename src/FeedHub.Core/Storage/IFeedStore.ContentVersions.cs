using System.Globalization;

namespace FeedHub.Core.Storage;

/// <summary>
/// Versions of parts of the content, so that a cached page or feed is rendered again only when what it shows changed:
/// a new article in one category leaves another category's page, and the digest's past days, as they were.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>
    /// A number that changes whenever an article in any of <paramref name="scopes"/> is added, changed or removed (an
    /// article is in the river's scope, its source's, each of its source's categories' and its hour's (UTC); a new article
    /// of a story is also in the scopes of the story's first article, which now credits its source), and whenever what
    /// readers see of any source changes (a source added, removed, renamed, recategorised). Never lower than before.
    /// </summary>
    Task<long> GetContentVersionAsync(IReadOnlyCollection<ContentScope> scopes, CancellationToken cancellationToken);

    /// <summary>
    /// For each hour (UTC) that <paramref name="period"/> reaches into (its end excluded), the content
    /// version of that hour's scope alone (<see cref="GetContentVersionAsync"/> of <see cref="ContentScope.Hour"/>), all
    /// read at once: a digest day asks for its 24 hours. A store where each read is a round trip reads them together.
    /// </summary>
    async Task<IReadOnlyDictionary<ContentScope, long>> GetHourVersionsAsync(TimeRange period, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<ContentScope, long>();
        foreach (var hour in ContentScope.Hours(period.Start, period.End))
        {
            versions[hour] = await GetContentVersionAsync([hour], cancellationToken).ConfigureAwait(false);
        }

        return versions;
    }
}

/// <summary>A part of the content that pages depend on: see <see cref="IFeedStore.GetContentVersionAsync"/>.</summary>
public readonly record struct ContentScope
{
    private ContentScope(string key) => Key = key;

    /// <summary>The scope's name as the stores keep it (for example <c>hour:2026-12-05T13</c>).</summary>
    public string Key { get; }

    /// <summary>Every article: the front page and the merged feeds.</summary>
    public static ContentScope River { get; } = new("river");

    /// <summary>What readers see of the sources (names, categories, which there are): every page depends on it.</summary>
    public static ContentScope Sources { get; } = new("sources");

    public static ContentScope Source(long sourceId) => new(string.Create(CultureInfo.InvariantCulture, $"source:{sourceId}"));

    /// <summary>The articles of the sources in a category (any case).</summary>
    public static ContentScope Category(string category) => new("category:" + SourceKeys.Lower(category.Trim()));

    /// <summary>
    /// The articles whose sort date falls in the hour (UTC) of <paramref name="instant"/>: hours, not days, so that a
    /// digest day in any time zone (whole-hour offsets) is exactly the hours it spans, and today's posts never touch
    /// yesterday's scopes.
    /// </summary>
    public static ContentScope Hour(DateTimeOffset instant) => new("hour:" + instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture));

    /// <summary>The hours (UTC) of every instant from <paramref name="start"/> (included) to <paramref name="end"/> (excluded).</summary>
    public static IEnumerable<ContentScope> Hours(DateTimeOffset start, DateTimeOffset end)
    {
        var utc = start.UtcDateTime;
        for (var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero); hour < end; hour = hour.AddHours(1))
        {
            yield return Hour(hour);
        }
    }

    /// <summary>The scopes an article is in by itself (not those of its story).</summary>
    public static IEnumerable<ContentScope> Of(long sourceId, IEnumerable<string> categories, DateTimeOffset sortDate)
        => [River, Source(sourceId), Hour(sortDate), .. categories.Select(Category)];

    public override string ToString() => Key;
}
