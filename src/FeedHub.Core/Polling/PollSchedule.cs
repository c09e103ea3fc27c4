using FeedHub.Core.Model;
using FeedHub.Core.Parser;

namespace FeedHub.Core.Polling;

/// <summary>
/// When to poll a source next: from its own posting frequency, what the publisher asks (ttl, sy:updatePeriod,
/// Cache-Control), bounded by the configured interval, backed off exponentially after errors, always with jitter
/// so that thousands of sources never fire in the same second.
/// </summary>
public static class PollSchedule
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static TimeSpan AfterSuccess(Source source, PollingOptions options, FeedDocument? document, TimeSpan? freshFor, DateTimeOffset now)
    {
        var (min, max) = Bounds(source, options);
        var interval = document is null ? options.DefaultInterval : FromPostingFrequency(document, options.DefaultInterval, now);
        if (document?.PublisherInterval is { } asked && asked > interval)
        {
            interval = asked;
        }

        if (freshFor is { } fresh && fresh > interval)
        {
            interval = fresh;
        }

        return Jitter(Clamp(interval, min, max));
    }

    public static TimeSpan AfterFailure(Source source, PollingOptions options, int consecutiveFailures, TimeSpan? retryAfter)
    {
        var (min, max) = Bounds(source, options);
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 20);
        var backoff = TimeSpan.FromTicks((long)Math.Min(min.Ticks * Math.Pow(2, exponent), max.Ticks));
        if (retryAfter is { } asked && asked > backoff)
        {
            backoff = asked < max ? asked : max;
        }

        return Jitter(Clamp(backoff, min, max));
    }

    /// <summary>Half the mean gap between this week's posts; the default interval when nothing was posted this week.</summary>
    private static TimeSpan FromPostingFrequency(FeedDocument document, TimeSpan fallback, DateTimeOffset now)
    {
        var postsThisWeek = document.Items.Count(i => (i.Published ?? i.Updated) is { } date && date <= now && now - date <= Week);
        if (postsThisWeek == 0)
        {
            var newest = document.Items.Select(i => i.Published ?? i.Updated).Where(d => d <= now).Max();
            return newest is { } last && now - last > 4 * Week ? fallback * 6 : fallback;
        }

        return Week / postsThisWeek / 2;
    }

    private static (TimeSpan Min, TimeSpan Max) Bounds(Source source, PollingOptions options)
    {
        var min = source.MinInterval ?? options.MinInterval;
        var max = source.MaxInterval ?? options.MaxInterval;
        return max < min ? (min, min) : (min, max);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private static TimeSpan Jitter(TimeSpan interval)
        => interval + TimeSpan.FromTicks((long)(interval.Ticks * 0.1 * (Random.Shared.NextDouble() - 0.5) * 2));
}
