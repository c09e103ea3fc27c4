using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Articles whose page is still to fetch carry their id in <c>PendingPage</c> (null on every other article), indexed:
/// the look-up at a start walks only them, in id order, however many articles are stored.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    private const string PendingPageField = "PendingPage";

    public Task<IReadOnlyList<PendingPage>> ListPendingPagesAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        var pending = _articles.Query()
            .Where(Where.More(PendingPageField, afterId))
            .OrderBy(PendingPageField)
            .Select("{ _id, Link }")
            .Limit(Math.Max(1, limit))
            .ToEnumerable()
            .Where(d => d["Link"].IsString)
            .Select(d => new PendingPage(d["_id"].AsInt64, d["Link"].AsString))
            .ToList();
        return Task.FromResult<IReadOnlyList<PendingPage>>(pending);
    }

    private static BsonValue PendingPageOf(Article article) => article.Extraction == ExtractionState.Pending ? new BsonValue(article.Id) : BsonValue.Null;

    /// <summary>Files written before <c>PendingPage</c> existed: the pending articles are marked once (one scan), then indexed.</summary>
    private void IndexPendingPages()
    {
        if (_database.GetCollection("$indexes").Find(Where.Equal("collection", "articles")).Any(index => index["name"].AsString == PendingPageField))
        {
            return;
        }

        var pending = _articles.Find(Where.Equal("Extraction", nameof(ExtractionState.Pending))).ToList();
        foreach (var document in pending)
        {
            document[PendingPageField] = document["_id"];
        }

        _articles.Update(pending);
        _articles.EnsureIndex(PendingPageField);
    }
}
