using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Articles whose page is still to fetch have an entry (their id) in <c>pending_pages</c>: the look-up at a start walks
/// only them, in id order, however many articles are stored. A small collection of its own rather than an indexed
/// field of every article: LiteDB puts the articles that wait for nothing (nearly all) in an index too, as nulls, and
/// every insert paid for that entry.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    /// <summary>Files from before <c>pending_pages</c> marked waiting articles with this field, indexed.</summary>
    private const string PendingPageField = "PendingPage";

    /// <summary>Set once the waiting articles of the file have their entries in <c>pending_pages</c>.</summary>
    private const string PendingPagesMovedSetting = "upgrade:pending-pages";

    private ILiteCollection<BsonDocument> _pendingPages = null!;

    public Task<IReadOnlyList<PendingPage>> ListPendingPagesAsync(long afterId, int limit, CancellationToken cancellationToken) => Read(() =>
    {
        var ids = _pendingPages.Query()
            .Where(Where.More("_id", afterId))
            .OrderBy("_id")
            .Select("_id")
            .Limit(Math.Max(1, limit))
            .ToEnumerable()
            .Select(d => d["_id"])
            .ToList();
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<PendingPage>>([]);
        }

        var pending = _articles.Query()
            .Where(Where.In("_id", ids))
            .Select("{ _id, Link }")
            .ToEnumerable()
            .Where(d => d["Link"].IsString)
            .Select(d => new PendingPage(d["_id"].AsInt64, d["Link"].AsString))
            .OrderBy(p => p.ArticleId)
            .ToList();
        return Task.FromResult<IReadOnlyList<PendingPage>>(pending);
    });

    /// <summary>New articles whose page is to fetch get their entries, in one insert for the write's articles (one per article cost a write through the engine each).</summary>
    private void AddPendingPages(IEnumerable<Article> inserts)
    {
        var entries = inserts.Where(article => article.Extraction == ExtractionState.Pending).Select(article => new BsonDocument { ["_id"] = article.Id }).ToList();
        if (entries.Count > 0)
        {
            _pendingPages.Insert(entries);
        }
    }

    /// <summary>Keeps an updated article's entry in <c>pending_pages</c> as its extraction state says.</summary>
    private void KeepPendingPage(Article article)
    {
        if (article.Extraction == ExtractionState.Pending)
        {
            _pendingPages.Upsert(new BsonDocument { ["_id"] = article.Id });
        }
        else
        {
            _pendingPages.Delete(article.Id);
        }
    }

    /// <summary>
    /// Older files marked waiting articles in the articles themselves: an indexed <c>PendingPage</c> field, or before
    /// that only their extraction state (one scan). Their entries are written and the setting recorded in one
    /// transaction, then the old index is dropped: a crash in between leaves a file that opens and finishes the move.
    /// </summary>
    private void MovePendingPages()
    {
        _pendingPages = _database.GetCollection("pending_pages");
        var indexed = HasArticleIndex(PendingPageField);
        if (_settings.FindById(PendingPagesMovedSetting) is null)
        {
            _database.BeginTrans();
            var waiting = indexed
                ? _articles.Query().Where(Where.More(PendingPageField, 0L)).Select("_id").ToEnumerable()
                : _articles.Query().Where(Where.Equal("Extraction", nameof(ExtractionState.Pending))).Select("_id").ToEnumerable();
            _pendingPages.Upsert(waiting.Select(d => new BsonDocument { ["_id"] = d["_id"] }).ToList());
            _settings.Upsert(new BsonDocument { ["_id"] = PendingPagesMovedSetting, ["Value"] = "1" });
            _database.Commit();
        }

        if (indexed)
        {
            _articles.DropIndex(PendingPageField);
        }
    }
}
