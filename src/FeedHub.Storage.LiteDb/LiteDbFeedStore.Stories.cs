using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Stories: a new article whose story keys another source's article already holds becomes a duplicate of that
/// story's leader. The river of stories is the river (the <c>RiverKey</c> index) less its duplicates, which are few;
/// <c>StoryKeys</c> (multi-key) is indexed for the look-ups. A duplicate also has an entry in <c>duplicates</c> (its id
/// and its story, indexed by story): an index of <c>DuplicateOf</c> on the articles held a null for every leader (nearly
/// all articles), and every insert paid for it.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    /// <summary>
    /// Files from before held the river key a second time on leaders, in an index of its own: each insert put a key at a
    /// random place of it, whose neighbours' pages the transaction wrote again (~29 KB of log per article of a farm
    /// feed). The index is dropped on opening; the field stays in the documents written before (nothing reads it) until
    /// they are next updated.
    /// </summary>
    private const string StoryRiverKey = "StoryRiverKey";
    private const string StoryKeysIndex = "StoryKeys";
    private const string DuplicateOfField = "DuplicateOf";
    private const string StoryField = "Story";

    /// <summary>Set once the duplicates of the file have their entries in <c>duplicates</c>.</summary>
    private const string DuplicatesMovedSetting = "upgrade:duplicates";

    /// <summary>Set once every article of the file has story keys, a story and an entry id.</summary>
    private const string StoriesUpgradedSetting = "upgrade:stories";

    private const int UpgradeBatchSize = 1000;
    private const int RiverKeyLength = 34;

    private ILiteCollection<BsonDocument> _duplicates = null!;
    private string? _installationAuthority;

    /// <summary>
    /// Whether the file may hold story keys from before keys were placed (<see cref="StoryIdentity.BareToo"/>): look-ups
    /// then ask for both forms of each key. Read and written under the write lock once the file is open.
    /// </summary>
    private bool _storyKeysOfBefore;

    public Task<IReadOnlyList<StoryMember>> ListStoryMembersAsync(IReadOnlyCollection<long> storyIds, CancellationToken cancellationToken) => Read(() =>
    {
        if (storyIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<StoryMember>>([]);
        }

        var stories = storyIds.ToHashSet();
        var ids = stories.Select(id => new BsonValue(id)).ToList();
        var duplicateIds = _duplicates.Query().Where(Where.In(StoryField, ids)).Select("_id").ToEnumerable().Select(d => d["_id"]).ToList();
        var members = ArticleMembers(ids)
            .Concat(ArticleMembers(duplicateIds).Where(m => stories.Contains(m.StoryId)))
            .DistinctBy(m => m.ArticleId)
            .OrderBy(m => m.ArticleId)
            .ToList();
        return Task.FromResult<IReadOnlyList<StoryMember>>(members);
    });

    private IEnumerable<StoryMember> ArticleMembers(List<BsonValue> ids)
        => ids.Count == 0
            ? []
            : _articles.Query().Where(Where.In("_id", ids)).Select("{ _id, SourceId, DuplicateOf }").ToEnumerable()
                .Select(d => new StoryMember(d["_id"].AsInt64, d["SourceId"].AsInt64, StoryOf(d)));

    /// <summary>
    /// Story leaders newest first: one range of the <c>RiverKey</c> index, walked in its order, the duplicates passed over
    /// (bounds are inclusive, so "before" becomes "at or below the key just under it"); of a few sources, their own
    /// rivers merged (see <see cref="ReadSourceRivers"/>).
    /// </summary>
    private List<Article> ListStories(ArticleQuery query)
    {
        if (RiverRange(query) is not var (low, high) || query.SourceIds is { Count: 0 })
        {
            return [];
        }

        var limit = Math.Clamp(query.Limit, 1, 1000);
        if (query.SourceIds is { } sourceIds && ReadSourceRivers(sourceIds, low, high, limit, storiesOnly: true) is { } merged)
        {
            return merged.ConvertAll(ToArticle);
        }

        var many = query.SourceIds?.ToHashSet();
        return _articles.Query()
            .Where(Where.Between(RiverKey, low, high))
            .OrderByDescending(RiverKey)
            .ToEnumerable()
            .Where(d => !IsDuplicate(d) && (many is null || many.Contains(d["SourceId"].AsInt64)))
            .Take(limit)
            .Select(ToArticle)
            .ToList();
    }

    /// <summary>
    /// The query's window of the river (from, to, before) as one inclusive range of river keys, or null when it is empty:
    /// one range is walked in the index's order; two conditions made LiteDB read one side of the river whole.
    /// </summary>
    private static (string Low, string High)? RiverRange(ArticleQuery query)
    {
        var low = query.From is { } from ? RiverKeyOf(from, 0) : new string('0', RiverKeyLength);
        string? high = new('9', RiverKeyLength);
        if (query.Before is { } before)
        {
            high = Lower(high, KeyBelow(RiverKeyOf(before.SortDate, before.Id)));
        }

        if (query.To is { } to)
        {
            high = Lower(high, KeyBelow(RiverKeyOf(to, 0)));
        }

        return high is null || string.CompareOrdinal(low, high) > 0 ? null : (low, high);
    }

    private static string? Lower(string? a, string? b) => a is null || b is null ? null : string.CompareOrdinal(a, b) <= 0 ? a : b;

    /// <summary>The river key just below <paramref name="key"/> (keys are fixed-length digit strings), or null if none is.</summary>
    private static string? KeyBelow(string key)
    {
        var digits = key.ToCharArray();
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (digits[i] != '0')
            {
                digits[i]--;
                return new string(digits);
            }

            digits[i] = '9';
        }

        return null;
    }

    /// <summary>Dropping the old story river index is one step of its own: a crash before it leaves a file that drops it at the next opening.</summary>
    private void EnsureStoryIndexes()
    {
        if (HasArticleIndex(StoryRiverKey))
        {
            _articles.DropIndex(StoryRiverKey);
        }

        _articles.EnsureIndex(StoryKeysIndex, "$.StoryKeys[*]");
    }

    /// <summary>New articles that joined a story get their entries, in one insert for the write's articles.</summary>
    private void AddDuplicateEntries(IEnumerable<Article> inserts)
    {
        var entries = inserts.Where(article => article.DuplicateOf is not null)
            .Select(article => new BsonDocument { ["_id"] = article.Id, [StoryField] = article.DuplicateOf!.Value })
            .ToList();
        if (entries.Count > 0)
        {
            _duplicates.Insert(entries);
        }
    }

    /// <summary>Keeps a stored article's entry in <c>duplicates</c> as its story says.</summary>
    private void KeepDuplicateEntry(long articleId, long? duplicateOf)
    {
        if (duplicateOf is { } story)
        {
            _duplicates.Upsert(new BsonDocument { ["_id"] = articleId, [StoryField] = story });
        }
        else
        {
            _duplicates.Delete(articleId);
        }
    }

    /// <summary>
    /// Files from before <c>duplicates</c> had an indexed <c>DuplicateOf</c> on the articles: the entries are written and
    /// the setting recorded in one transaction, then the old index is dropped, so a crash in between leaves a file that
    /// opens and finishes the move. Files from before stories have no duplicates yet (<see cref="UpgradeStories"/>
    /// decides them).
    /// </summary>
    private void MoveDuplicates()
    {
        _duplicates = _database.GetCollection("duplicates");
        _duplicates.EnsureIndex(StoryField);
        var indexed = HasArticleIndex(DuplicateOfField);
        if (_settings.FindById(DuplicatesMovedSetting) is null)
        {
            _database.BeginTrans();
            if (indexed)
            {
                var duplicates = _articles.Query().Where(Where.More(DuplicateOfField, 0L)).Select("{ _id, DuplicateOf }").ToEnumerable()
                    .Select(d => new BsonDocument { ["_id"] = d["_id"], [StoryField] = d[DuplicateOfField] })
                    .ToList();
                _duplicates.Upsert(duplicates);
            }

            _settings.Upsert(new BsonDocument { ["_id"] = DuplicatesMovedSetting, ["Value"] = "1" });
            _database.Commit();
        }

        if (indexed)
        {
            _articles.DropIndex(DuplicateOfField);
        }
    }

    /// <summary>Removed articles leave no entries behind in the collections kept beside the articles.</summary>
    private void ForgetEntriesOf(IEnumerable<long> removedIds)
    {
        foreach (var batch in removedIds.Chunk(UpgradeBatchSize))
        {
            _duplicates.DeleteMany(Where.In("_id", batch));
            _pendingPages.DeleteMany(Where.In("_id", batch));
        }
    }

    /// <summary>
    /// This installation's entry id authority, claimed and committed on its own before any write that mints with it: made
    /// inside a write's transaction, it was lost with a write that failed, while this process went on minting with it.
    /// </summary>
    private string InstallationAuthority()
        => _installationAuthority ??= EntryIds.InstallationAuthorityAsync(this, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Gives new articles an entry id if they have none, and decides their stories (see <see cref="StoryAssignment"/>).</summary>
    private void PrepareInserts(IReadOnlyList<Article> inserts, string authority)
    {
        foreach (var article in inserts)
        {
            article.EntryId ??= EntryIds.Mint(authority, article.FirstSeenAt, article.SourceId, article.Key);
        }

        AssignStories(inserts, below: long.MaxValue);
    }

    /// <summary>
    /// Which forms of story key the file holds, recorded at its first opening by a FeedHub that places keys: a file with
    /// articles holds keys from before (they cannot all be placed again: a canonical URL found on a page is kept as its
    /// digest only), a new file none. Read before <see cref="UpgradeStories"/>, whose look-ups then ask for both forms.
    /// </summary>
    private void ReadStoryKeyForms()
    {
        if (_settings.FindById(StoryIdentity.FormsSetting)?["Value"] is { IsString: true } forms)
        {
            _storyKeysOfBefore = forms.AsString != StoryIdentity.PlacedOnly;
            return;
        }

        _storyKeysOfBefore = _articles.Query().Select("_id").Limit(1).FirstOrDefault() is not null;
        _settings.Upsert(new BsonDocument { ["_id"] = StoryIdentity.FormsSetting, ["Value"] = _storyKeysOfBefore ? StoryIdentity.BareToo : StoryIdentity.PlacedOnly });
    }

    /// <summary>A write of articles holding keys from before records, in its transaction, that the file holds such keys.</summary>
    private void NoteStoryKeysOfBefore(IEnumerable<Article> articles)
    {
        if (!_storyKeysOfBefore && articles.Any(article => !article.StoryKeys.TrueForAll(StoryIdentity.IsPlaced)))
        {
            _storyKeysOfBefore = true;
            _settings.Upsert(new BsonDocument { ["_id"] = StoryIdentity.FormsSetting, ["Value"] = StoryIdentity.BareToo });
        }
    }

    /// <summary>Decides the stories of <paramref name="articles"/> from the stored articles older than <paramref name="below"/> holding their keys.</summary>
    private void AssignStories(IReadOnlyList<Article> articles, long below)
    {
        var keys = StoryIdentity.LookupKeysOf(articles.SelectMany(a => a.StoryKeys), _storyKeysOfBefore).ConvertAll(key => new BsonValue(key));
        var holders = new Dictionary<long, StoryHolder>();
        if (keys.Count > 0)
        {
            // One seek of the multi-key index for all the keys: a query per key cost more than the look-ups themselves.
            var found = _articles.Query()
                .Where(Where.AnyIn("$.StoryKeys[*]", keys))
                .Select("{ _id, SourceId, DuplicateOf, StoryKeys }")
                .ToEnumerable();
            foreach (var document in found.Where(d => d["_id"].AsInt64 < below))
            {
                var id = document["_id"].AsInt64;
                holders[id] = new StoryHolder(id, document["SourceId"].AsInt64, StoryOf(document), document["StoryKeys"].AsArray.Select(k => k.AsString).ToList());
            }
        }

        var members = holders.Count == 0 ? [] : ListStoryMembersAsync(holders.Values.Select(h => h.StoryId).ToList(), CancellationToken.None).Result;
        StoryAssignment.Assign(articles, holders.Values.OrderBy(h => h.ArticleId), members);
    }

    private static long StoryOf(BsonDocument document) => IsDuplicate(document) ? document[DuplicateOfField].AsInt64 : document["_id"].AsInt64;

    private static bool IsDuplicate(BsonDocument document) => document[DuplicateOfField].IsNumber;

    /// <summary>
    /// Updates never set what the store owns: an article's entry id stays as stored, and so does its story, except
    /// that a story's leader that no other source has joined yet joins an older story of another source when its keys
    /// now show it is the same (a canonical URL found on its page).
    /// </summary>
    private void KeepStoreOwnedFields(Article article)
    {
        var stored = _articles.Query().Where(Where.Equal("_id", article.Id)).Select("{ DuplicateOf, EntryId }").FirstOrDefault();
        if (stored is null)
        {
            return;
        }

        article.DuplicateOf = stored[DuplicateOfField].IsNumber ? stored[DuplicateOfField].AsInt64 : null;
        article.EntryId = stored["EntryId"].IsString ? stored["EntryId"].AsString : article.EntryId;
        if (article.DuplicateOf is null && !_duplicates.Exists(Where.Equal(StoryField, article.Id)))
        {
            AssignStories([article], below: article.Id);
        }
    }

    /// <summary>
    /// Before articles are removed: each story they lead passes to its oldest remaining duplicate, so that no story
    /// disappears with the source that told it first. Runs inside the caller's transaction.
    /// </summary>
    private void HandOverStoriesOf(IEnumerable<long> removedIds)
    {
        foreach (var batch in removedIds.Chunk(UpgradeBatchSize))
        {
            var orphanIds = _duplicates.Query().Where(Where.In(StoryField, batch)).Select("_id").ToEnumerable().Select(d => d["_id"]).ToList();
            var orphans = orphanIds.Count == 0 ? [] : _articles.Find(Where.In("_id", orphanIds)).Where(d => d[DuplicateOfField].IsNumber).ToList();
            foreach (var story in orphans.GroupBy(d => d[DuplicateOfField].AsInt64))
            {
                var members = story.OrderBy(d => d["_id"].AsInt64).ToList();
                var leader = members[0];
                leader.Remove(DuplicateOfField);
                foreach (var member in members.Skip(1))
                {
                    member[DuplicateOfField] = leader["_id"];
                }

                foreach (var member in members)
                {
                    _articles.Update(member);
                    KeepDuplicateEntry(member["_id"].AsInt64, member[DuplicateOfField].IsNumber ? member[DuplicateOfField].AsInt64 : null);
                }
            }
        }
    }

    /// <summary>
    /// Files from before stories: every article gets its story keys (from its stored link and feed id), its story and an
    /// entry id, oldest first, in batches of <see cref="UpgradeBatchSize"/> ids so a large file is never held in memory.
    /// </summary>
    private void UpgradeStories()
    {
        if (_settings.FindById(StoriesUpgradedSetting) is not null)
        {
            return;
        }

        var after = new BsonValue(0L);
        while (true)
        {
            var batch = _articles.Query().Where(Where.More("_id", after)).OrderBy("_id").Limit(UpgradeBatchSize).ToList();
            if (batch.Count == 0)
            {
                break;
            }

            var articles = batch.Select(document =>
            {
                var article = ToArticle(document);
                article.StoryKeys = StoryIdentity.KeysOf(article.Link, StoryIdentity.FeedIdOf(article.Key), canonicalUrl: null);
                article.EntryId ??= EntryIds.Mint(InstallationAuthority(), article.FirstSeenAt, article.SourceId, article.Key);
                return article;
            }).ToList();
            AssignStories(articles, below: articles[0].Id);

            _database.BeginTrans();
            foreach (var article in articles)
            {
                _articles.Update(ToDocument(article));
                KeepDuplicateEntry(article.Id, article.DuplicateOf);
            }

            _database.Commit();
            after = batch[^1]["_id"];
        }

        _settings.Upsert(new BsonDocument { ["_id"] = StoriesUpgradedSetting, ["Value"] = "1" });
    }
}
