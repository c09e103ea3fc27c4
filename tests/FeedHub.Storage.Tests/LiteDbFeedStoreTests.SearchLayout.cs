using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.LiteDb.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace FeedHub.Storage.Tests;

/// <summary>A search index in the layout of an earlier FeedHub opens as it is and answers with the articles written since.</summary>
public sealed partial class LiteDbFeedStoreTests
{
    /// <summary>
    /// Indexes written before held each article's id as 16 numeric terms beside its doc values, and its date as 16
    /// numeric terms (a precision step of 4); articles are now written with their id in doc values alone and their
    /// date as 8 terms (a step of 8), which the queries use. Such an index is not rebuilt: its articles and the new
    /// ones page together in the river's order, three to a millisecond so that pages of two end inside one (the
    /// cursor's tie-break by id, now read from the doc values), and a window of dates finds both.
    /// </summary>
    [Fact]
    public async Task A_search_index_with_the_ids_terms_opens_as_it_is_and_pages_with_new_articles()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        var at = new DateTimeOffset(2026, 12, 1, 8, 0, 0, 250, TimeSpan.Zero);
        // The articles from before between the new ones, so that each page's cursor falls on both.
        List<Article> Batch(int first, TimeSpan offset) => [.. Enumerable.Range(first, 12).Select(i => KingfisherArticle(source.Id, i, at.AddHours(-(i % 12 / 3)) - offset))];
        var before = Batch(0, TimeSpan.FromMinutes(30));
        await Store.SaveArticlesAsync(before, [], default);
        ((LiteDbFeedStore)Store).Dispose();

        using (var directory = FSDirectory.Open(SearchIndexPath))
        using (var reader = DirectoryReader.Open(directory))
        {
            Assert.Null(MultiFields.GetTerms(reader, "id"));
        }

        RewriteSearchIndexAsBefore(before);
        using (var directory = FSDirectory.Open(SearchIndexPath))
        using (var reader = DirectoryReader.Open(directory))
        {
            Assert.NotNull(MultiFields.GetTerms(reader, "id"));
        }

        Store = await CreateStoreAsync();
        Assert.Equal("up to date", ((LiteDbFeedStore)Store).SearchIndexState);
        var after = Batch(12, TimeSpan.Zero);
        await Store.SaveArticlesAsync(after, [], default);

        var expected = before.Concat(after).OrderByDescending(a => a.SortDate).ThenByDescending(a => a.Id).Select(a => a.Id).ToList();
        var seen = new List<long>();
        ArticleCursor? cursor = null;
        var search = SearchQuery.TryParse("kingfishers", out var query, out _) ? query : throw new InvalidOperationException();
        while (await Store.ListArticlesAsync(new ArticleQuery { Search = search, Before = cursor, Limit = 2 }, default) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(a => a.Id));
            cursor = ArticleCursor.Of(page[^1]);
        }

        Assert.Equal(expected, seen);
        var window = new ArticleQuery { Search = search, From = at.AddHours(-2), To = at.AddHours(-1).AddMilliseconds(1), Limit = 100 };
        Assert.Equal(
            before.Concat(after).Where(a => a.SortDate >= at.AddHours(-2) && a.SortDate <= at.AddHours(-1)).OrderByDescending(a => a.SortDate).ThenByDescending(a => a.Id).Select(a => a.Id),
            (await Store.ListArticlesAsync(window, default)).Select(a => a.Id));
    }

    /// <summary>
    /// An article's date is 8 numeric terms, one per byte of precision: the finest ones are nearly every article's
    /// own, and a flush hashes, sorts and writes each distinct term (with 16 they were most of a segment's terms).
    /// </summary>
    [Fact]
    public async Task An_articles_date_is_indexed_as_8_numeric_terms()
    {
        var source = await Store.AddSourceAsync(new Source { FeedUrl = "https://a.example/feed" }, default);
        await Store.SaveArticlesAsync([KingfisherArticle(source.Id, 1, new DateTimeOffset(2026, 12, 1, 8, 0, 0, 250, TimeSpan.Zero))], [], default);
        ((LiteDbFeedStore)Store).Dispose();

        using (var directory = FSDirectory.Open(SearchIndexPath))
        using (var reader = DirectoryReader.Open(directory))
        {
            var terms = MultiFields.GetTerms(reader, "date").GetEnumerator();
            var count = 0;
            while (terms.MoveNext())
            {
                count++;
            }

            Assert.Equal(8, count);

            // A FeedHub before reads format "1" only: it rebuilds this index rather than query these dates at a step of 4.
            Assert.Equal("2", DirectoryReader.ListCommits(directory)[^1].UserData["format"]);
        }

        Store = await CreateStoreAsync();
        Assert.Single(await SearchAsync("kingfisher"));
    }

    private static Article KingfisherArticle(long sourceId, int i, DateTimeOffset published) => new()
    {
        SourceId = sourceId,
        Key = "id:" + i.ToString(CultureInfo.InvariantCulture),
        ContentHash = "h" + i.ToString(CultureInfo.InvariantCulture),
        Content = $"<p>A kingfisher, number {i}.</p>",
        Language = "en",
        Published = published,
        SortDate = published,
        FirstSeenAt = published,
        ChangedAt = published,
    };

    /// <summary>
    /// The index as FeedHub wrote it before, the same commit data kept but its format's: the id as numeric terms too,
    /// the date at a precision step of 4.
    /// </summary>
    private void RewriteSearchIndexAsBefore(IReadOnlyList<Article> articles)
    {
        using var directory = FSDirectory.Open(SearchIndexPath);
        var commitData = DirectoryReader.ListCommits(directory)[^1].UserData;
        using var analyzers = new SearchAnalyzers();
        using var writer = new IndexWriter(directory, new IndexWriterConfig(SearchAnalyzers.Version, analyzers) { OpenMode = OpenMode.CREATE });
        var text = new FieldType(TextField.TYPE_NOT_STORED) { OmitNorms = true };
        foreach (var article in articles)
        {
            var date = article.SortDate.ToUnixTimeMilliseconds();
            var source = article.SourceId.ToString(CultureInfo.InvariantCulture);
            writer.AddDocument(new Document
            {
                new StringField("key", article.Id.ToString(CultureInfo.InvariantCulture), Field.Store.NO),
                new Int64Field("id", article.Id, Field.Store.NO),
                new NumericDocValuesField("id", article.Id),
                new Int64Field("date", date, Field.Store.NO),
                new NumericDocValuesField("date", date),
                new StringField("source", source, Field.Store.NO),
                new SortedDocValuesField("source", new BytesRef(source)),
                new Field(SearchAnalyzers.FieldFor(SearchLanguages.For(article.Language)), SearchText.Body(article), text),
            });
        }

        writer.SetCommitData(new Dictionary<string, string>(commitData) { ["format"] = "1" });
        writer.Commit();
    }
}
