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

        public static IFeedStore Wrap(IFeedStore inner, List<TimeRange> reads)
        {
            var proxy = Create<IFeedStore, CountingStore>();
            var counting = (CountingStore)(object)proxy;
            (counting._inner, counting._reads) = (inner, reads);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IFeedStore.ListDigestPostsAsync))
            {
                _reads.Add((TimeRange)args![0]!);
            }

            return targetMethod.Invoke(_inner, args);
        }
    }
}
