using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Storage.LiteDb;
using LiteDB;

namespace FeedHub.Storage.Tests;

/// <summary>
/// A poll with articles is one LiteDB transaction, in a group with the other writes of articles queued: the title it
/// learned, its articles (with their search outbox entry) and its state land together or not at all.
/// </summary>
public sealed partial class LiteDbFeedStoreTests
{
    [Fact]
    public async Task Polls_with_articles_queued_behind_a_write_commit_titles_articles_and_states_in_one_transaction()
    {
        var holder = await Store.AddSourceAsync(new Source { FeedUrl = "https://holder.example/feed" }, default);
        var sources = new List<Source>();
        for (var i = 0; i < 4; i++)
        {
            sources.Add(await Store.AddSourceAsync(new Source { FeedUrl = $"https://s{i}.example/feed" }, default));
        }

        var store = (LiteDbFeedStore)Store;
        var saves = sources.Select((source, i) => (Action)(() => store.SavePollWithArticlesAsync(
            PollOf(source, $"Title {i}"), [PolledArticle(source.Id, "a"), PolledArticle(source.Id, "b")], [], default).GetAwaiter().GetResult())).ToList();

        var transactions = await WhileTheWriteLockIsHeldAsync(store, holder.Id, saves, Task.WhenAll);

        Assert.Equal(1, transactions);
        Store = await CrashAndReopenAsync(Store);
        foreach (var (source, i) in sources.Select((source, i) => (source, i)))
        {
            var stored = await Store.GetSourceAsync(source.Id, default);
            Assert.Equal(($"Title {i}", 1L, "\"v1\""), (stored!.Title, stored.Fetch.PollCount, stored.Fetch.ETag));
            Assert.Equal(2, await Store.CountArticlesAsync(source.Id, default));
        }

        Assert.Equal(8, (await SearchIdsAsync("polled")).Count);
    }

    /// <summary>One of the poll's new articles has a key the source already holds: the store refuses the write, and with it the poll's title and state.</summary>
    [Fact]
    public async Task A_poll_whose_articles_are_refused_saves_neither_its_title_nor_its_state()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed", Title = "Before" }, default);
        await Store.SaveArticlesAsync([PolledArticle(source.Id, "taken")], [], default);

        var refused = await Assert.ThrowsAsync<LiteException>(() => Store.SavePollWithArticlesAsync(
            PollOf(source, "After"), [PolledArticle(source.Id, "fresh"), PolledArticle(source.Id, "taken")], [], default));

        Assert.Equal(LiteException.INDEX_DUPLICATE_KEY, refused.ErrorCode);
        Store = await CrashAndReopenAsync(Store);
        var stored = await Store.GetSourceAsync(source.Id, default);
        Assert.Equal(("Before", 0L, null), (stored!.Title, stored.Fetch.PollCount, stored.Fetch.ETag));
        Assert.Equal(["taken"], (await Store.GetKnownArticlesAsync(source.Id, ["fresh", "taken"], default)).Select(a => a.Key));
        Assert.Equal(["Before"], (await Store.ListSourcesAsync(default)).Select(s => s.Title));
    }

    private static PollResult PollOf(Source source, string title) => new(source.Id)
    {
        PolledUrl = source.FeedUrl,
        Fetch = new FetchState { PollCount = 1, ETag = "\"v1\"" },
        Feed = new LearnedFeed(title, null),
    };

    private static Article PolledArticle(long sourceId, string key)
    {
        var published = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        return new Article
        {
            SourceId = sourceId, Key = key, ContentHash = "hash-" + key, Title = "Polled " + key, Link = $"https://s{sourceId}.example/{key}",
            Published = published, SortDate = published, FirstSeenAt = published, ChangedAt = published, Content = "<p>A polled article.</p>",
        };
    }
}
