using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>Steps along the river: each one is a seek in the <c>RiverKey</c> index, walked in its order and stopped at the first entry it wants.</summary>
public sealed partial class LiteDbFeedStore
{
    public Task<DateTimeOffset?> FindNearestArticleDateAsync(DateTimeOffset instant, TimeDirection direction, CancellationToken cancellationToken)
        => Read(() => Task.FromResult(NearestArticleDate(instant, direction)));

    public Task<IReadOnlyList<bool>> HaveArticlesAsync(IReadOnlyList<TimeRange> periods, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<IReadOnlyList<bool>>(periods
            .Select(period => period.Start < period.End && NearestArticleDate(period.Start, TimeDirection.Newer) is { } first && first < period.End)
            .ToList()));

    /// <summary>The nearest story leader along the river: the duplicates met on the way (few) are passed over.</summary>
    public Task<Article?> FindAdjacentStoryAsync(ArticleCursor at, TimeDirection direction, CancellationToken cancellationToken) => Read(() =>
    {
        var key = RiverKeyOf(at.SortDate, at.Id);
        var (low, high) = direction == TimeDirection.Older
            ? (new string('0', RiverKeyLength), KeyBelow(key))
            : (KeyAbove(key), new string('9', RiverKeyLength));
        if (low is null || high is null)
        {
            return Task.FromResult<Article?>(null);
        }

        var river = _articles.Query().Where(Where.Between(RiverKey, low, high));
        river = direction == TimeDirection.Older ? river.OrderByDescending(RiverKey) : river.OrderBy(RiverKey);
        var found = river.ToEnumerable().FirstOrDefault(d => !IsDuplicate(d));
        return Task.FromResult(found is null ? null : ToArticle(found));
    });

    /// <summary>The river key just above <paramref name="key"/> (keys are fixed-length digit strings), or null if none is.</summary>
    private static string? KeyAbove(string key)
    {
        var digits = key.ToCharArray();
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (digits[i] != '9')
            {
                digits[i]++;
                return new string(digits);
            }

            digits[i] = '0';
        }

        return null;
    }

    private DateTimeOffset? NearestArticleDate(DateTimeOffset instant, TimeDirection direction)
    {
        // One bounded range walked in the direction asked: "below the key, newest first" as an open condition made
        // LiteDB read the river from its start (27 ms at 1,000,000 articles, 0.06 ms the other way).
        var key = RiverKeyOf(instant, 0);
        var river = _articles.Query();
        if (direction == TimeDirection.Older)
        {
            if (KeyBelow(key) is not { } below)
            {
                return null;
            }

            river = river.Where(Where.Between(RiverKey, new string('0', RiverKeyLength), below)).OrderByDescending(RiverKey);
        }
        else
        {
            river = river.Where(Where.Between(RiverKey, key, new string('9', RiverKeyLength))).OrderBy(RiverKey);
        }

        return river.Select("SortDate").Limit(1).FirstOrDefault() is { } found
            ? new DateTimeOffset(DateTime.SpecifyKind(found["SortDate"].AsDateTime, DateTimeKind.Utc))
            : null;
    }
}
