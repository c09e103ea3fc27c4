using FeedHub.Core.Model;
using FeedHub.Core.Parser;

namespace FeedHub.Core.Polling;

/// <summary>
/// When to poll a source next: from its own posting frequency, what the publisher asks (ttl, sy:updatePeriod,
/// Cache-Control), bounded by the configured interval, backed off exponentially after errors.
/// </summary>
/// <remarks>
/// The interval says how often; the source's slot says when. Each source has a phase, a fixed fraction of any
/// interval taken from its id, and its polls fall on the instants whose offset within the interval is that phase
/// (counted from the Unix epoch). Sources added together (10,000 from one OPML import) are polled at once the first
/// time, and from then on spread evenly over their interval instead of all falling due in the same second every
/// hour: the steady state has a steady request rate. The next poll is the slot nearest to one interval from now,
/// so a source on its slot stays there and one whose interval changed moves to its new slot at once: a gap between
/// half and one and a half intervals, once. It is never earlier than 90% of the interval's lower bound (the minimum,
/// what the publisher asked, the backoff after a failure), nor before a Retry-After: a slot sooner than that is
/// skipped for the next one (a gap of up to 1.9 intervals, once, for a source whose interval is its own minimum).
/// </remarks>
public static class PollSchedule
{
    /// <summary>How far before a lower bound a slot may fall; the former ±10% jitter allowed the same.</summary>
    private const double EarlyTolerance = 0.9;

    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>The fractional part of the golden ratio: consecutive ids get phases that stay far apart (a Weyl sequence).</summary>
    private const double GoldenFraction = 0.6180339887498949;

    public static DateTimeOffset AfterSuccess(Source source, PollingOptions options, FeedDocument? document, TimeSpan? freshFor, DateTimeOffset now)
    {
        var (min, max) = Bounds(source, options);
        // Without a document (a 304) the feed is the one read last time: its newest post, kept then, still says how long
        // it has been silent, so a feed whose server validates is not read more often than one whose server does not.
        var interval = document is null ? AfterSilence(source.Fetch.LatestPostAt, options.DefaultInterval, now) : FromPostingFrequency(document, options.DefaultInterval, now);
        var floor = min;
        // A 304's feed asks what it asked in its last full response, kept for it.
        if ((document is null ? source.Fetch.PublisherInterval : document.PublisherInterval) is { } asked && asked > interval)
        {
            interval = asked;
            floor = asked > floor ? asked : floor;
        }

        if (freshFor is { } fresh && fresh > interval)
        {
            interval = fresh;
            floor = fresh > floor ? fresh : floor;
        }

        interval = Clamp(interval, min, max);
        return Slot(source.Id, interval, now, now + (Clamp(floor, min, max) * EarlyTolerance));
    }

    /// <summary>Backs off exponentially from the minimum interval; never sooner than 90% of the backoff, nor than a Retry-After.</summary>
    public static DateTimeOffset AfterFailure(Source source, PollingOptions options, int consecutiveFailures, TimeSpan? retryAfter, DateTimeOffset now)
    {
        var (min, max) = Bounds(source, options);
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 20);
        var backoff = Clamp(TimeSpan.FromTicks((long)Math.Min(min.Ticks * Math.Pow(2, exponent), max.Ticks)), min, max);
        var earliest = now + (backoff * EarlyTolerance);
        if (retryAfter is { } asked && asked > backoff)
        {
            backoff = asked < max ? asked : max;
            earliest = now + backoff;
        }

        return Slot(source.Id, backoff, now, earliest);
    }

    /// <summary>The slot of <paramref name="sourceId"/> nearest to <paramref name="now"/> + <paramref name="interval"/>, not before <paramref name="earliest"/>.</summary>
    public static DateTimeOffset Slot(long sourceId, TimeSpan interval, DateTimeOffset now, DateTimeOffset earliest)
    {
        // Slots are the epoch + phase + k intervals; take the k nearest to one interval from now.
        var length = Math.Max(interval.Ticks, TimeSpan.TicksPerSecond);
        var phase = (long)(Phase(sourceId) * length);
        var target = (now + interval).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks - phase;
        var nearest = (target + (length / 2)) / length;
        var slot = new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + phase + (nearest * length), TimeSpan.Zero);
        while (slot < earliest)
        {
            slot = slot.AddTicks(length);
        }

        return slot;
    }

    /// <summary>Where in any interval the polls of a source fall, in [0, 1).</summary>
    public static double Phase(long sourceId)
    {
        var weyl = sourceId * GoldenFraction;
        return weyl - Math.Floor(weyl);
    }

    /// <summary>
    /// How often a feed's own posting asks to be read: half the mean gap between this week's posts when that is sooner
    /// than the default (a busy feed is read while its posts are fresh); the default for a feed that posted less, or not
    /// this week but in the last four (a weekly blog's next post is news as soon as a busy one's, and a post must never
    /// make its feed read less often than silence would); six times the default for a feed silent longer than that.
    /// </summary>
    private static TimeSpan FromPostingFrequency(FeedDocument document, TimeSpan fallback, DateTimeOffset now)
    {
        var postsThisWeek = document.Items.Count(i => (i.Published ?? i.Updated) is { } date && date <= now && now - date <= Week);
        if (postsThisWeek > 0)
        {
            var busy = Week / postsThisWeek / 2;
            return busy < fallback ? busy : fallback;
        }

        return AfterSilence(document.Items.Select(i => i.Published ?? i.Updated).Where(d => d <= now).Max(), fallback, now);
    }

    /// <summary>The default; six times it once the newest post (none known: not silent) is over four weeks old.</summary>
    private static TimeSpan AfterSilence(DateTimeOffset? newestPost, TimeSpan fallback, DateTimeOffset now)
        => newestPost is { } last && now - last > 4 * Week ? fallback * 6 : fallback;

    private static (TimeSpan Min, TimeSpan Max) Bounds(Source source, PollingOptions options)
    {
        var min = source.MinInterval ?? options.MinInterval;
        var max = source.MaxInterval ?? options.MaxInterval;
        return max < min ? (min, min) : (min, max);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
