using FeedHub.Core.Model;
using FeedHub.Core.Parser;
using FeedHub.Core.Polling;

namespace FeedHub.Core.Tests.Polling;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 30, 15, 123, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly PollingOptions Options = new();

    [Fact]
    public void Ten_thousand_sources_polled_in_the_same_second_are_next_due_evenly_over_the_interval()
    {
        var next = Enumerable.Range(1, 10_000)
            .Select(id => PollSchedule.AfterSuccess(new Source { Id = id, FeedUrl = "https://blog.example/feed" }, Options, null, null, Now))
            .ToList();

        // Every minute of the hour after the first round gets its sixtieth of the polls, give or take a few.
        var perMinute = next.GroupBy(at => (long)((at - Now).TotalMinutes)).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(next, at => Assert.InRange(at - Now, Hour / 2, Hour * 1.5));
        Assert.Equal(60, perMinute.Count);
        Assert.All(perMinute.Values, count => Assert.InRange(count, 10_000 / 60 * 0.9, 10_000 / 60 * 1.1));
        Assert.True(next.GroupBy(at => at.ToUnixTimeSeconds()).Max(g => g.Count()) <= 5, "no second gets more than a handful of polls");
    }

    [Fact]
    public void A_source_polled_on_its_slot_a_little_late_stays_on_its_slot_one_interval_later()
    {
        var source = new Source { Id = 42, FeedUrl = "https://blog.example/feed" };
        var slot = PollSchedule.AfterSuccess(source, Options, null, null, Now);

        var polledLate = slot + TimeSpan.FromMinutes(3);
        Assert.Equal(slot + Hour, PollSchedule.AfterSuccess(source, Options, null, null, polledLate));
        Assert.Equal(slot + Hour + Hour, PollSchedule.AfterSuccess(source, Options, null, null, slot + Hour));
    }

    [Fact]
    public void A_source_is_never_polled_sooner_than_its_lower_bounds_allow()
    {
        var source = new Source { Id = 7, FeedUrl = "https://blog.example/feed", MinInterval = TimeSpan.FromMinutes(30), MaxInterval = TimeSpan.FromMinutes(30) };
        var asksFourHours = new FeedDocument { PublisherInterval = TimeSpan.FromHours(4) };
        // The interval is its own lower bound here: a slot sooner than 90% of it is skipped for the next one.
        for (var minute = 0; minute < 120; minute += 7)
        {
            var now = Now.AddMinutes(minute);
            Assert.InRange(PollSchedule.AfterSuccess(source, Options, null, null, now) - now, TimeSpan.FromMinutes(27), TimeSpan.FromMinutes(57));
            Assert.InRange(PollSchedule.AfterSuccess(new Source { Id = 7, FeedUrl = "https://blog.example/feed" }, Options, asksFourHours, null, now) - now,
                TimeSpan.FromHours(3.6), TimeSpan.FromHours(7.6));
            Assert.InRange(PollSchedule.AfterFailure(source, Options, 1, null, now) - now, TimeSpan.FromMinutes(27), TimeSpan.FromMinutes(57));
            Assert.True(PollSchedule.AfterFailure(new Source { Id = 7, FeedUrl = "https://blog.example/feed" }, Options, 1, TimeSpan.FromMinutes(50), now) >= now.AddMinutes(50),
                "Retry-After is honoured");
        }
    }

    [Theory]
    [InlineData(168, 30)]
    [InlineData(84, 60)]
    [InlineData(7, 60)]
    [InlineData(1, 60)]
    public void A_feed_that_posted_this_week_is_read_at_least_as_often_as_the_default(int postsThisWeek, int minutes)
    {
        var posts = Enumerable.Range(0, postsThisWeek).Select(n => Now - (TimeSpan.FromDays(7) * n / postsThisWeek));

        Assert.Equal(TimeSpan.FromMinutes(minutes), IntervalFor(posts));
    }

    [Fact]
    public void A_feed_is_read_less_often_only_after_a_month_of_silence()
    {
        Assert.Equal(Hour, IntervalFor([Now.AddDays(-10)]));
        Assert.Equal(Hour, IntervalFor([]));
        Assert.Equal(Hour * 6, IntervalFor([Now.AddDays(-60)]));
    }

    [Fact]
    public void A_feed_answered_304_is_read_as_often_as_its_publisher_asked_in_the_last_full_read()
    {
        var source = new Source { Id = 7, FeedUrl = "https://blog.example/feed", Fetch = new FetchState { PublisherInterval = Hour * 6 } };

        Assert.InRange(PollSchedule.AfterSuccess(source, Options, null, null, Now) - Now, Hour * 6 * 0.9, Hour * 6 * 1.9);
        Assert.InRange(PollSchedule.AfterSuccess(source, Options, new FeedDocument(), null, Now) - Now, Hour / 2, Hour * 1.5);
    }

    [Fact]
    public void A_feed_answered_304_is_read_as_often_as_its_newest_post_kept_from_the_last_full_read_says()
    {
        Assert.Equal(Hour * 6, NotModifiedIntervalFor(Now.AddDays(-60)));
        Assert.Equal(Hour, NotModifiedIntervalFor(Now.AddDays(-10)));
        Assert.Equal(Hour, NotModifiedIntervalFor(null));
    }

    /// <summary>The interval a feed whose polls are answered 304 is polled at, its newest post known from an earlier poll.</summary>
    private static TimeSpan NotModifiedIntervalFor(DateTimeOffset? latestPost)
    {
        var source = new Source { Id = 42, FeedUrl = "https://blog.example/feed", Fetch = new FetchState { LatestPostAt = latestPost } };
        var next = PollSchedule.AfterSuccess(source, Options, null, null, Now);
        return PollSchedule.AfterSuccess(source, Options, null, null, next) - next;
    }

    /// <summary>The interval a feed with posts at these instants is polled at, read from two successive slots.</summary>
    private static TimeSpan IntervalFor(IEnumerable<DateTimeOffset> posts)
    {
        var document = new FeedDocument();
        document.Items.AddRange(posts.Select(published => new FeedItem { Published = published }));
        var source = new Source { Id = 42, FeedUrl = "https://blog.example/feed" };
        var next = PollSchedule.AfterSuccess(source, Options, document, null, Now);
        return PollSchedule.AfterSuccess(source, Options, document, null, next) - next;
    }

    [Fact]
    public void Consecutive_ids_get_phases_far_apart()
    {
        var phases = Enumerable.Range(1, 100).Select(id => PollSchedule.Phase(id)).Order().ToList();
        Assert.All(phases, phase => Assert.InRange(phase, 0, 1));
        Assert.True(phases.Zip(phases.Skip(1), (a, b) => b - a).Max() < 0.03, "a hundred sources leave no gap wider than 3% of the interval");
    }
}
