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
    /// article is in the river's scope, its source's, each of its source's categories' and its UTC day's; a new article
    /// of a story is also in the scopes of the story's first article, which now credits its source), and whenever what
    /// readers see of any source changes (a source added, removed, renamed, recategorised). Never lower than before.
    /// </summary>
    Task<long> GetContentVersionAsync(IReadOnlyCollection<ContentScope> scopes, CancellationToken cancellationToken);
}

/// <summary>A part of the content that pages depend on: see <see cref="IFeedStore.GetContentVersionAsync"/>.</summary>
public readonly record struct ContentScope
{
    private ContentScope(string key) => Key = key;

    /// <summary>The scope's name as the stores keep it (for example <c>day:2026-12-05</c>).</summary>
    public string Key { get; }

    /// <summary>Every article: the front page and the merged feeds.</summary>
    public static ContentScope River { get; } = new("river");

    /// <summary>What readers see of the sources (names, categories, which there are): every page depends on it.</summary>
    public static ContentScope Sources { get; } = new("sources");

    public static ContentScope Source(long sourceId) => new(string.Create(CultureInfo.InvariantCulture, $"source:{sourceId}"));

    /// <summary>The articles of the sources in a category (any case).</summary>
    public static ContentScope Category(string category) => new("category:" + SourceKeys.Lower(category.Trim()));

    /// <summary>The articles whose sort date falls on this UTC day.</summary>
    public static ContentScope Day(DateOnly utcDay) => new("day:" + utcDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    /// <summary>The UTC days of every instant from <paramref name="start"/> (included) to <paramref name="end"/> (excluded).</summary>
    public static IEnumerable<ContentScope> Days(DateTimeOffset start, DateTimeOffset end)
    {
        for (var day = DateOnly.FromDateTime(start.UtcDateTime); day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) < end.UtcDateTime; day = day.AddDays(1))
        {
            yield return Day(day);
        }
    }

    /// <summary>The scopes an article is in by itself (not those of its story).</summary>
    public static IEnumerable<ContentScope> Of(long sourceId, IEnumerable<string> categories, DateTimeOffset sortDate)
        => [River, Source(sourceId), Day(DateOnly.FromDateTime(sortDate.UtcDateTime)), .. categories.Select(Category)];

    public override string ToString() => Key;
}
