using System.Reflection;
using FeedHub.Core.Publishing;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Tests.Support;
using Microsoft.Extensions.Options;

namespace FeedHub.Tests.Web;

/// <summary>A digest day is read an hour at a time and kept: a new post reads its own hour again, not the whole day.</summary>
public sealed class DigestDayReadsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("feedhub-digest-reads-").FullName;
    private readonly LiteDbFeedStore _store;

    public DigestDayReadsTests() => _store = new LiteDbFeedStore(Path.Combine(_data, "feedhub.db"), new LiteDbSearchOptions { Enabled = false });

    [Fact]
    public async Task A_new_post_reads_its_hour_again_and_the_day_shows_it_beside_the_kept_hours()
    {
        var reads = new List<TimeRange>();
        var digest = new Digest(CountingStore.Wrap(_store, reads), Options.Create(new DigestOptions { TimeZone = "Asia/Kolkata" }), TimeProvider.System);
        var source = await StoreSeeder.SourceAsync(_store, "Daily Notes", "Notes");
        var day = new DateOnly(2025, 3, 5);
        var (start, end) = digest.Bounds(day);
        foreach (var (title, offset) in new[] { ("First", TimeSpan.Zero), ("Morning", TimeSpan.FromHours(5.25)), ("Last", TimeSpan.FromDays(1) - TimeSpan.FromMilliseconds(1)) })
        {
            await StoreSeeder.ArticleAsync(_store, source, title, start + offset);
        }

        await StoreSeeder.ArticleAsync(_store, source, "The day after", end);

        Assert.Equal<string?>(["Last", "Morning", "First"], Titles(await digest.ReadDayAsync(day, default)));
        // A day in a zone half an hour off UTC spans parts of 25 hours, each read once.
        Assert.Equal(25, reads.Count);
        Assert.Equal(start, reads.Min(r => r.Start));
        Assert.Equal(end, reads.Max(r => r.End));

        reads.Clear();
        Assert.Equal(3, (await digest.ReadDayAsync(day, default)).ArticleCount);
        Assert.Empty(reads);

        var late = await StoreSeeder.ArticleAsync(_store, source, "Late", start.AddHours(5.5));
        var day2 = await digest.ReadDayAsync(day, default);

        Assert.Equal<string?>(["Last", "Late", "Morning", "First"], Titles(day2));
        var read = Assert.Single(reads);
        Assert.True(read.Start <= late.SortDate && late.SortDate < read.End, $"read {read.Start:O} to {read.End:O}");
    }

    [Fact]
    public async Task A_days_links_and_calendar_are_kept_until_an_article_is_written_and_then_show_it()
    {
        var probes = new List<TimeRange>();
        var digest = new Digest(CountingStore.Wrap(_store, probes, nameof(IFeedStore.FindNearestArticleDateAsync), nameof(IFeedStore.HaveArticlesAsync)),
            Options.Create(new DigestOptions { TimeZone = "UTC" }), TimeProvider.System);
        var source = await StoreSeeder.SourceAsync(_store, "Daily Notes");
        var day = new DateOnly(2025, 3, 5);
        await StoreSeeder.ArticleAsync(_store, source, "That day", digest.Bounds(day).Start.AddHours(9));
        await StoreSeeder.ArticleAsync(_store, source, "Days before", digest.Bounds(day.AddDays(-3)).Start.AddHours(9));

        var first = await digest.ReadLinksAsync(day, default);
        Assert.Equal(day.AddDays(-3), first.Previous);
        Assert.Null(first.Next);
        Assert.Equal<DateOnly>([day.AddDays(-3), day], first.Month.DaysWithPosts.Order());
        Assert.NotEmpty(probes);

        probes.Clear();
        Assert.Equal(first, await digest.ReadLinksAsync(day, default));
        Assert.Equal(first.Month, await digest.ReadMonthAsync(day, default));
        Assert.Empty(probes);

        // A post weeks later, in another month: nothing of this day's hours changed, yet its links did.
        await StoreSeeder.ArticleAsync(_store, source, "Next month", digest.Bounds(day.AddDays(30)).Start.AddHours(9));
        var after = await digest.ReadLinksAsync(day, default);
        Assert.Equal(day.AddDays(30), after.Next);
        Assert.Equal(new DateOnly(2025, 4, 1), after.Month.Next);
        Assert.NotEmpty(probes);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private static List<string?> Titles(DigestDay day)
        => day.Categories.SelectMany(c => c.Sources).SelectMany(s => s.Articles).OrderByDescending(a => a.SortDate).Select(a => a.Title).ToList();

    /// <summary>A store that notes the periods of the posts it is asked for.</summary>
    public class CountingStore : DispatchProxy
    {
        private IFeedStore _inner = null!;
        private List<TimeRange> _reads = null!;
        private string[] _counted = null!;

        /// <summary>Notes the calls of the methods named <paramref name="counted"/> (by default the reads of posts) in <paramref name="reads"/>.</summary>
        public static IFeedStore Wrap(IFeedStore inner, List<TimeRange> reads, params string[] counted)
        {
            var proxy = Create<IFeedStore, CountingStore>();
            var counting = (CountingStore)(object)proxy;
            (counting._inner, counting._reads, counting._counted) = (inner, reads, counted is [] ? [nameof(IFeedStore.ListDigestPostsAsync)] : counted);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (_counted.Contains(targetMethod!.Name))
            {
                _reads.Add(args is [TimeRange period, ..] ? period : default);
            }

            return targetMethod.Invoke(_inner, args);
        }
    }
}
