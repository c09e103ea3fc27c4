using FeedHub.Core.Model;
using FeedHub.Storage.LiteDb;
using LiteDB;

namespace FeedHub.Storage.Tests;

/// <summary>
/// The LiteDB store writes an article's document field by field: what it writes must be what its mapper writes (and
/// reads back), so files written before and after read alike.
/// </summary>
public sealed class LiteDbArticleDocumentTests
{
    private static readonly DateTimeOffset Seen = new(2026, 12, 7, 20, 15, 30, 123, TimeSpan.FromHours(2));

    public static TheoryData<string> Articles => ["full", "sparse", "blank"];

    [Theory]
    [MemberData(nameof(Articles))]
    public void An_articles_document_is_the_mappers_with_its_river_key_and_identity(string kind)
    {
        var article = ArticleOf(kind);
        var mapper = LiteDbFeedStore.CreateMapper();

        var written = LiteDbFeedStore.ToDocument(article);

        var expected = mapper.ToDocument(article);
        if (kind == "full")
        {
            // Every member the mapper stores is set in the full article, so a member added to articles and not to the
            // store's writer fails here rather than going unstored.
            var stored = typeof(Article).GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name == nameof(Article.Id) ? "_id" : p.Name);
            Assert.Equal(stored.Order(StringComparer.Ordinal), expected.Keys.Order(StringComparer.Ordinal));
        }

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), written.Keys.Where(k => k is not ("RiverKey" or "Identity")).Order(StringComparer.Ordinal));
        foreach (var key in expected.Keys)
        {
            Assert.Equal((key, JsonSerializer.Serialize(expected[key])), (key, JsonSerializer.Serialize(written[key])));
            Assert.Equal((key, expected[key].Type), (key, written[key].Type));
        }

        Assert.Equal(
            JsonSerializer.Serialize(mapper.ToDocument(mapper.ToObject<Article>(expected))),
            JsonSerializer.Serialize(mapper.ToDocument(mapper.ToObject<Article>(written))));
    }

    private static Article ArticleOf(string kind) => kind switch
    {
        "full" => new Article
        {
            Id = 42,
            SourceId = 7,
            Key = " id:1 ",
            Title = "  A title with spaces around ",
            Link = "https://a.example/post",
            CanonicalUrl = "https://a.example/post",
            StoryKeys = ["k1", " k2 ", ""],
            DuplicateOf = 12,
            EntryId = "tag:feedhub,2026:7:1",
            Author = "Ada",
            Summary = "<p>summary</p>",
            Content = "\n<p>content</p>\n",
            ImageUrl = "https://a.example/i.png",
            Tags = ["tea", "cake"],
            Enclosures = [new() { Url = " https://a.example/ep.mp3 ", MediaType = "audio/mpeg", Length = 8_727_310_000, DurationSeconds = 424 }, new() { Url = "https://a.example/ep.pdf" }],
            Published = Seen.AddDays(-1),
            Updated = Seen.AddHours(-1),
            FirstSeenAt = Seen,
            ChangedAt = Seen.AddMinutes(1),
            SortDate = Seen.AddDays(-1),
            ContentHash = "abc",
            Extraction = ExtractionState.Failed,
            ExtractionError = "404",
            ExtractedHtml = "<p>x</p>",
            ExtractedText = "x",
            Excerpt = "content",
            WordCount = 230,
            Language = "en",
        },
        "sparse" => new Article { Id = 1, SourceId = 2, Key = "k", ContentHash = "h", FirstSeenAt = Seen, ChangedAt = Seen, SortDate = Seen },
        _ => new Article
        {
            Id = 3,
            SourceId = 2,
            Key = "k",
            ContentHash = " ",
            Title = "",
            Author = "   ",
            Tags = [],
            StoryKeys = [],
            FirstSeenAt = Seen,
            ChangedAt = Seen,
            SortDate = Seen,
            Extraction = ExtractionState.Pending,
        },
    };
}
