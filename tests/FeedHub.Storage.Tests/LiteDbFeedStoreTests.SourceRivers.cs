using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using LiteDB;

namespace FeedHub.Storage.Tests;

public sealed partial class LiteDbFeedStoreTests
{
    [Fact]
    public async Task A_file_from_before_the_per_source_river_gains_it_on_opening_and_answers_the_same()
    {
        var (articles, a, b, c) = await SaveInterleavedAsync();
        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDatabase(DatabasePath))
        {
            Assert.True(database.GetCollection("articles").DropIndex("SourceRiverKey"));
        }

        Store = await CreateStoreAsync();

        Assert.Equal(NewestFirst(articles.Where(x => x.SourceId == a)), await PageThroughAsync(new ArticleQuery { SourceIds = [a], Limit = 7 }));
        Assert.Equal(NewestFirst(articles.Where(x => x.SourceId != a)), await PageThroughAsync(new ArticleQuery { SourceIds = [b, c], Limit = 7 }));
        ((LiteDbFeedStore)Store).Dispose();
        using (var database = new LiteDatabase(DatabasePath))
        {
            Assert.Contains(database.GetCollection("$indexes").Find("collection = 'articles'"), index => index["name"] == "SourceRiverKey");
        }

        Store = await CreateStoreAsync();
    }

    [Fact]
    public async Task Articles_written_by_a_build_that_knows_no_per_source_river_are_in_it()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        var first = new Article { SourceId = source.Id, Key = "id:1", ContentHash = "h", Title = "By this build", SortDate = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero) };
        await Store.SaveArticlesAsync([first], [], default);
        ((LiteDbFeedStore)Store).Dispose();

        // An older build writes an article as this one does, less the index it does not know: LiteDB keeps the index
        // from the fields it computes it from.
        using (var database = new LiteDatabase(DatabasePath))
        {
            var articles = database.GetCollection("articles");
            var document = articles.FindById(first.Id);
            document["_id"] = first.Id + 1;
            document["Title"] = "By an older build";
            document["Identity"] = "older";
            document["RiverKey"] = document["RiverKey"].AsString[..15] + (first.Id + 1).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
            articles.Insert(document);
        }

        Store = await CreateStoreAsync();

        var river = await Store.ListArticlesAsync(new ArticleQuery { SourceIds = [source.Id] }, default);
        Assert.Equal(["By an older build", "By this build"], river.Select(x => x.Title));
    }
}
