using System.Globalization;

namespace FeedHub.Core.Storage;

/// <summary>A page of the river: newest first, optionally limited to some sources and a time window.</summary>
public sealed record ArticleQuery
{
    /// <summary>Only articles of these sources; null for all.</summary>
    public IReadOnlyCollection<long>? SourceIds { get; init; }

    /// <summary>Only articles strictly older than this position.</summary>
    public ArticleCursor? Before { get; init; }

    /// <summary>Only articles whose sort date is at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only articles whose sort date is before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only the first article of each story (not those marked <see cref="Model.Article.DuplicateOf"/> another).</summary>
    public bool StoriesOnly { get; init; }

    /// <summary>Only articles matching this full-text search; still in the river's order.</summary>
    public Search.SearchQuery? Search { get; init; }

    public int Limit { get; init; } = 50;
}

/// <summary>A position in the river: the sort date (to the millisecond) and the id that breaks ties.</summary>
public readonly record struct ArticleCursor(DateTimeOffset SortDate, long Id)
{
    public static ArticleCursor Of(Model.Article article) => new(article.SortDate, article.Id);

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{SortDate.ToUnixTimeMilliseconds()}-{Id}");

    public static bool TryParse(string? text, out ArticleCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', 1);
        if (dash < 0
            || !long.TryParse(text.AsSpan(0, dash), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || ms < -62135596800000L || ms > 253402300799999L)
        {
            return false;
        }

        cursor = new ArticleCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), id);
        return true;
    }
}
