using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// The embedded store: one LiteDB file opened once per process (direct mode, shared by all threads) behind an
/// exclusive lock file. Dates are kept in UTC to the millisecond.
/// </summary>
public sealed partial class LiteDbFeedStore : IFeedStore, IDisposable
{
    private const string RiverKey = "RiverKey";
    private const string Identity = "Identity";
    private static readonly long EpochOffsetMs = -DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

    private readonly ProcessLock _processLock;
    private readonly ILogger _logger;
    private readonly LiteDatabase _database;
    private readonly ILiteCollection<Source> _sources;

    /// <summary>The same collection as documents: one read mapped to two copies of a source (see <see cref="SavePollWithArticlesAsync"/>).</summary>
    private readonly ILiteCollection<BsonDocument> _sourceDocuments;
    private readonly ILiteCollection<BsonDocument> _articles;
    private readonly ILiteCollection<BsonDocument> _settings;
    private readonly ILiteCollection<Curator> _curators;
    private readonly BsonMapper _mapper;
    private readonly Lock _idLock = new();
    private readonly Lock _curatorLock = new();
    private readonly long _versionBase;
    private long _nextArticleId;
    private long _changes;

    /// <param name="path">The LiteDB file.</param>
    /// <param name="search">Its search index's options.</param>
    /// <param name="logger">Where a failed rebuild of the search index, or a reopening after a failed write, is told.</param>
    public LiteDbFeedStore(string path, LiteDbSearchOptions? search = null, ILogger<LiteDbFeedStore>? logger = null)
    {
        _logger = logger ?? NullLogger<LiteDbFeedStore>.Instance;
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        _processLock = ProcessLock.Acquire(fullPath);
        try
        {
            _mapper = CreateMapper();
            _database = OpenDatabase(fullPath);
            if (BuildSourceRiverIndex())
            {
                // The build held up to LiteDB's budget of a transaction's pages (~800 MB at a million articles) in the
                // engine's cache, which keeps what it once held: a fresh engine starts from an empty cache, and the old
                // one's memory is given back at once (left to the collector, a server kept 1 GB after opening).
                _database.Dispose();
                _database = OpenDatabase(fullPath);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }

            _sources = _database.GetCollection<Source>("sources", BsonAutoId.Int64);
            _sourceDocuments = _database.GetCollection("sources", BsonAutoId.Int64);
            _articles = _database.GetCollection("articles", BsonAutoId.Int64);
            _settings = _database.GetCollection("settings");
            _curators = _database.GetCollection<Curator>("curators", BsonAutoId.Int64);
            _curators.EnsureIndex("NameKey", "LOWER($.Name)", unique: true);
            _articles.EnsureIndex("SourceId");
            _articles.EnsureIndex(RiverKey);
            IndexIdentities();
            MovePendingPages();
            EnsureStoryIndexes();
            MoveDuplicates();
            ReadStoryKeyForms();
            UpgradeStories();
            OpenSourceDirectory();
            MarkDuplicateAddresses();
            _nextArticleId = _articles.Query().OrderByDescending("_id").Select("_id").Limit(1).FirstOrDefault()?["_id"] is { IsNumber: true } last
                ? last.AsInt64 + 1
                : 1;
            _versionBase = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16;
            OpenSearch(fullPath, search ?? new LiteDbSearchOptions());
        }
        catch
        {
            CloseSearch();
            _database?.Dispose();
            _processLock.Dispose();
            throw;
        }
    }

    private LiteDatabase OpenDatabase(string fullPath)
    {
        Engine = new ReopeningEngine(fullPath, _logger);
        return new LiteDatabase(Engine, _mapper) { UtcDate = true };
    }

    public Task<Source> AddSourceAsync(Source source, CancellationToken cancellationToken)
    {
        // Under the write lock, which every write of a source's address takes, from the look-up to the directory's
        // update: of two adds of one address, the second finds the first.
        lock (_writeLock)
        {
            if (HolderOf(source) is { } holder)
            {
                return Task.FromResult(holder);
            }

            // Its id is given at the insert: what tells, if the commit throws, whether the source is in the file.
            WriteAlone(() => _sources.Insert(source), landed: () => _sources.FindById(source.Id) is { } stored && stored.FeedUrl == source.FeedUrl);
            _sourceDirectory.Put(source);
        }

        SourcesChanged();
        return Task.FromResult(source);
    }

    /// <summary>
    /// One write in a transaction of its own (on this thread). A commit that throws may be in the file all the
    /// same (LiteDB confirms a transaction in its log, then checkpoints the log into the file, and a full disk fails
    /// either step): read once the transaction is rolled back, <paramref name="landed"/> tells, and a write in the file
    /// has succeeded. Told it failed, its caller would try it again: a second source at one address, a claim refused
    /// to the process that made it.
    /// </summary>
    private void WriteAlone(Action write, Func<bool> landed)
    {
        if (!_database.BeginTrans())
        {
            // Its commit would be another write's, half done.
            throw new InvalidOperationException("A write alone was asked for within another write's transaction.");
        }

        var atCommit = false;
        try
        {
            write();
            atCommit = true;
            _database.Commit();
        }
        catch (Exception failure)
        {
            try
            {
                _database.Rollback();
            }
            catch (IOException)
            {
                // The engine failed under the transaction: it is replaced, and the transaction dropped with it.
            }

            if (!atCommit || !LandedAfterAll(landed))
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    /// <summary>Whether a write whose commit threw is in the file; when the file cannot be read (nobody can tell), not.</summary>
    private bool LandedAfterAll(Func<bool> landed)
    {
        try
        {
            return Read(landed);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>From the sources kept in memory (<see cref="SourceDirectory"/>): the file is this process's alone, and every write of a source keeps it.</summary>
    public Task<Source?> GetSourceAsync(long id, CancellationToken cancellationToken)
        => Task.FromResult(_sourceDirectory.Get(id));

    public Task<Source?> FindSourceByFeedUrlAsync(string feedUrl, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<Source?>(_sourceDirectory.FindByIdentity(UrlNormalizer.ForIdentity(feedUrl)) is { } id ? _sources.FindById(id) : null));

    /// <summary>
    /// Under the write lock: the other source at <paramref name="source"/>'s feed address, if any. One the directory
    /// still names but the file no longer has (removed by a write that has not yet told the directory) holds nothing.
    /// </summary>
    private Source? HolderOf(Source source)
        => _sourceDirectory.FindByIdentity(SourceAddress.IdentityOf(source)) is { } id && id != source.Id ? _sources.FindById(id) : null;

    /// <summary>From the sources kept in memory: a <c>poll</c> read every source of the file again after the opening had.</summary>
    public Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<Source>>(_sourceDirectory.All());

    public Task<Source?> ChangeSourceAsync(long id, Func<Source, bool> change, CancellationToken cancellationToken)
    {
        // Under the write lock from the read to the save, so no other write of the source (a poll's, another
        // curator's) comes between them. Read twice: one copy is changed, the other is what the change is told apart
        // from, and what the listing index takes back if the write fails.
        lock (_writeLock)
        {
            if (_sources.FindById(id) is not { } before)
            {
                return Task.FromResult<Source?>(null);
            }

            var source = _sources.FindById(id);
            if (!change(source))
            {
                return Task.FromResult<Source?>(source);
            }

            if (SourceAddress.IdentityOf(source) != SourceAddress.IdentityOf(before) && HolderOf(source) is { } holder)
            {
                throw new FeedAddressTakenException(holder);
            }

            try
            {
                WriteSearchable(
                    () =>
                    {
                        _sources.Update(source);
                        _sourceDirectory.Put(source);
                    },
                    [],
                    SearchedNamesDiffer(before, source) ? [id] : []);
            }
            catch
            {
                RestoreSourceDirectory(id, before);
                throw;
            }

            if (!before.LooksTheSameToReadersAs(source))
            {
                SourcesChanged();
            }

            return Task.FromResult<Source?>(source);
        }
    }

    public Task<bool> RemoveSourceAsync(long id, bool keepArticles, CancellationToken cancellationToken)
    {
        var removed = false;
        var before = _sources.FindById(id);
        try
        {
            WriteSearchable(() =>
            {
                removed = DeleteSource(id, keepArticles);
                _sourceDirectory.Remove(id);
            }, [], [id]);
        }
        catch
        {
            RestoreSourceDirectory(id, before);
            throw;
        }

        SourcesChanged();
        return Task.FromResult(removed);
    }

    public Task<IReadOnlyList<Article>> GetArticlesByKeysAsync(long sourceId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => Read(() =>
    {
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Article>>([]);
        }

        var found = _articles.Find(Where.In(Identity, keys.Select(key => new BsonValue(IdentityOf(sourceId, key)))))
            .Select(ToArticle)
            .ToList();
        return Task.FromResult<IReadOnlyList<Article>>(found);
    });

    public Task SaveArticlesAsync(IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates, CancellationToken cancellationToken)
    {
        WriteSearchable(ArticlesWrite(inserts, updates), [.. inserts, .. updates], [], inserted: inserts.Count);
        ArticlesChanged([.. inserts, .. updates]);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Gives the new articles their ids and returns the write of the articles, to run under the write lock (in a write
    /// given to <see cref="WriteSearchable"/>); it may run again (a group done again), each time deciding afresh.
    /// </summary>
    private Action ArticlesWrite(IReadOnlyList<Article> inserts, IReadOnlyList<Article> updates)
    {
        lock (_idLock)
        {
            foreach (var article in inserts)
            {
                article.Id = _nextArticleId++;
            }
        }

        // Built before the write lock: only what is decided under it, the story and an entry id minted there, is set after.
        var documents = inserts.Select(ToDocument).ToList();
        var authority = inserts.Count > 0 ? InstallationAuthority() : "";

        // One writer at a time (the search outbox's write lock) decides stories, so two sources telling the same
        // story at once still make one.
        return () =>
        {
            NoteStoryKeysOfBefore(inserts.Concat(updates));
            PrepareInserts(inserts, authority);
            for (var i = 0; i < inserts.Count; i++)
            {
                if (inserts[i].DuplicateOf is { } story)
                {
                    documents[i][DuplicateOfField] = story;
                }
                else
                {
                    documents[i].Remove(DuplicateOfField);
                }

                documents[i][nameof(Article.EntryId)] = inserts[i].EntryId;
            }

            if (inserts.Count > 0)
            {
                _articles.Insert(documents);
            }

            AddPendingPages(inserts);
            AddDuplicateEntries(inserts);
            foreach (var article in updates)
            {
                KeepStoreOwnedFields(article);
                _articles.Update(ToDocument(article));
                KeepPendingPage(article);
                KeepDuplicateEntry(article.Id, article.DuplicateOf);
            }
        };
    }

    public Task<Article?> GetArticleAsync(long id, CancellationToken cancellationToken) => Read(() =>
    {
        var document = _articles.FindById(id);
        return Task.FromResult(document is null ? null : ToArticle(document));
    });

    public Task<IReadOnlyList<Article>> ListArticlesAsync(ArticleQuery query, CancellationToken cancellationToken) => Read(() =>
    {
        if (query.Search is { } search)
        {
            return Task.FromResult<IReadOnlyList<Article>>(SearchArticles(query, search));
        }

        if (query.StoriesOnly)
        {
            return Task.FromResult<IReadOnlyList<Article>>(ListStories(query));
        }

        if (RiverRange(query) is not var (low, high) || query.SourceIds is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyList<Article>>([]);
        }

        var limit = Math.Clamp(query.Limit, 1, 1000);
        if (query.SourceIds is { } sourceIds && ReadSourceRivers(sourceIds, low, high, limit, storiesOnly: false) is { } merged)
        {
            return Task.FromResult<IReadOnlyList<Article>>(merged.ConvertAll(ToArticle));
        }

        var river = _articles.Query().Where(Where.Between(RiverKey, low, high));
        if (query.SourceIds is { } many)
        {
            river = river.Where(Where.In("SourceId", many));
        }

        var page = river.OrderByDescending(RiverKey).Limit(limit).ToEnumerable().Select(ToArticle).ToList();
        return Task.FromResult<IReadOnlyList<Article>>(page);
    });

    public Task<long> CountArticlesAsync(long? sourceId, CancellationToken cancellationToken)
        => Read(() => Task.FromResult(sourceId is { } id ? _articles.LongCount(Where.Equal("SourceId", id)) : _articles.LongCount()));

    public Task<Curator> AddCuratorAsync(Curator curator, CancellationToken cancellationToken)
    {
        _curators.Insert(curator);
        return Task.FromResult(curator);
    }

    public Task<Curator?> GetCuratorByNameAsync(string name, CancellationToken cancellationToken)
        => Read(() => Task.FromResult<Curator?>(_curators.FindOne(Where.Equal("LOWER($.Name)", name.ToLowerInvariant()))));

    // A planet has a handful of curators: scanning them is cheaper than keeping a multi-key index on token hashes.
    public Task<Curator?> FindCuratorByTokenHashAsync(string tokenHash, CancellationToken cancellationToken)
        => Read(() => Task.FromResult(_curators.FindAll().FirstOrDefault(c => c.Tokens.Exists(t => t.Hash == tokenHash))));

    public Task<IReadOnlyList<Curator>> ListCuratorsAsync(CancellationToken cancellationToken)
        => Read(() => Task.FromResult<IReadOnlyList<Curator>>(_curators.FindAll().OrderBy(c => c.Id).ToList()));

    public Task<Curator?> ChangeCuratorAsync(long id, Func<Curator, bool> change, CancellationToken cancellationToken)
    {
        // One change of a curator at a time, from the read to the save; no other write waits for it.
        lock (_curatorLock)
        {
            var curator = _curators.FindById(id);
            if (curator is not null && change(curator))
            {
                _curators.Update(curator);
            }

            return Task.FromResult<Curator?>(curator);
        }
    }

    public Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken)
        => Read(() => Task.FromResult(_settings.FindById(name)?["Value"].AsString));

    public Task SetSettingAsync(string name, string value, CancellationToken cancellationToken)
    {
        _settings.Upsert(new BsonDocument { ["_id"] = name, ["Value"] = value });
        return Task.CompletedTask;
    }

    public Task<bool> ClaimSettingAsync(string name, string value, CancellationToken cancellationToken)
    {
        try
        {
            // Not under the write lock: articles' writes claim the entry id authority before they take it.
            WriteAlone(() => _settings.Insert(new BsonDocument { ["_id"] = name, ["Value"] = value }), landed: () => _settings.FindById(name)?["Value"] == value);

            return Task.FromResult(true);
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task<long> GetVersionAsync(CancellationToken cancellationToken)
        => Task.FromResult(_versionBase + Interlocked.Read(ref _changes));

    public void Dispose()
    {
        CloseSearch();
        _database.Dispose();
        _processLock.Dispose();
    }

    private void Changed() => Interlocked.Increment(ref _changes);

    /// <summary>
    /// An article's document, written field by field as the store's mapper (<see cref="CreateMapper"/>) writes it, with
    /// its river key and identity: the mapper's reflection over the article's members was most of its cost on every
    /// insert. Its rules, kept: a null member is left out, a string is trimmed and an empty one stored as null, dates
    /// in UTC, the extraction state by name.
    /// </summary>
    internal static BsonDocument ToDocument(Article article)
    {
        var document = new BsonDocument
        {
            ["_id"] = article.Id,
            [nameof(Article.SourceId)] = article.SourceId,
        };
        PutText(document, nameof(Article.Key), article.Key);
        PutText(document, nameof(Article.Title), article.Title);
        PutText(document, nameof(Article.Link), article.Link);
        PutText(document, nameof(Article.CanonicalUrl), article.CanonicalUrl);
        PutTexts(document, nameof(Article.StoryKeys), article.StoryKeys);
        if (article.DuplicateOf is { } duplicateOf)
        {
            document[DuplicateOfField] = duplicateOf;
        }

        PutText(document, nameof(Article.EntryId), article.EntryId);
        PutText(document, nameof(Article.Author), article.Author);
        PutText(document, nameof(Article.Summary), article.Summary);
        PutText(document, nameof(Article.Content), article.Content);
        PutText(document, nameof(Article.ImageUrl), article.ImageUrl);
        PutTexts(document, nameof(Article.Tags), article.Tags);
        PutEnclosures(document, article.Enclosures);
        if (article.Published is { } published)
        {
            document[nameof(Article.Published)] = published.UtcDateTime;
        }

        if (article.Updated is { } updated)
        {
            document[nameof(Article.Updated)] = updated.UtcDateTime;
        }

        document[nameof(Article.FirstSeenAt)] = article.FirstSeenAt.UtcDateTime;
        document[nameof(Article.ChangedAt)] = article.ChangedAt.UtcDateTime;
        document[nameof(Article.SortDate)] = article.SortDate.UtcDateTime;
        PutText(document, nameof(Article.ContentHash), article.ContentHash);
        document[nameof(Article.Extraction)] = article.Extraction.ToString();
        PutText(document, nameof(Article.ExtractionError), article.ExtractionError);
        PutText(document, nameof(Article.ExtractedHtml), article.ExtractedHtml);
        PutText(document, nameof(Article.ExtractedText), article.ExtractedText);
        PutText(document, nameof(Article.Excerpt), article.Excerpt);
        document[nameof(Article.WordCount)] = article.WordCount;
        PutText(document, nameof(Article.Language), article.Language);
        document[RiverKey] = RiverKeyOf(article.SortDate, article.Id);
        document[Identity] = IdentityOf(article.SourceId, article.Key);
        return document;
    }

    private static void PutText(BsonDocument document, string name, string? value)
    {
        if (value is not null)
        {
            document[name] = Text(value);
        }
    }

    private static void PutTexts(BsonDocument document, string name, List<string>? values)
    {
        if (values is not null)
        {
            var array = new BsonArray();
            foreach (var value in values)
            {
                array.Add(value is null ? BsonValue.Null : Text(value));
            }

            document[name] = array;
        }
    }

    /// <summary>As the mapper writes the list: a document per enclosure, its null members left out.</summary>
    private static void PutEnclosures(BsonDocument document, List<Enclosure>? enclosures)
    {
        if (enclosures is null)
        {
            return;
        }

        var array = new BsonArray();
        foreach (var enclosure in enclosures)
        {
            var item = new BsonDocument();
            PutText(item, nameof(Enclosure.Url), enclosure.Url);
            PutText(item, nameof(Enclosure.MediaType), enclosure.MediaType);
            if (enclosure.Length is { } length)
            {
                item[nameof(Enclosure.Length)] = length;
            }

            if (enclosure.DurationSeconds is { } duration)
            {
                item[nameof(Enclosure.DurationSeconds)] = duration;
            }

            array.Add(item);
        }

        document[nameof(Article.Enclosures)] = array;
    }

    private static BsonValue Text(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? BsonValue.Null : new BsonValue(trimmed);
    }

    /// <summary>
    /// An article's source and key in a fixed-size, uniquely indexed field: keys come from feeds and can be longer than
    /// the 1,023 bytes LiteDB allows in an index entry.
    /// </summary>
    private static string IdentityOf(long sourceId, string key)
        => string.Create(CultureInfo.InvariantCulture, $"{sourceId}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}");

    /// <summary>Files written before articles carried <see cref="Identity"/> indexed the raw key: move them over once.</summary>
    private void IndexIdentities()
    {
        if (HasArticleIndex(Identity))
        {
            return;
        }

        // In batches by id, so a large file is never held in memory whole.
        var ids = _articles.Query().Select("_id").ToEnumerable().Select(document => document["_id"]).ToList();
        foreach (var batch in ids.Chunk(1000))
        {
            _database.BeginTrans();
            foreach (var document in _articles.Find(Where.In("_id", batch)).ToList())
            {
                document[Identity] = IdentityOf(document["SourceId"].AsInt64, document["Key"].AsString);
                _articles.Update(document);
            }

            _database.Commit();
        }

        _articles.DropIndex("Key");
        _articles.EnsureIndex(Identity, unique: true);
    }

    private bool HasArticleIndex(string name)
        => _database.GetCollection("$indexes").Find(Where.Equal("collection", "articles")).Any(index => index["name"].AsString == name);

    /// <summary>
    /// Within a write: a source, its push subscription and, unless kept, its articles, each story they told first handed
    /// to the next article that tells it.
    /// </summary>
    private bool DeleteSource(long id, bool keepArticles)
    {
        var removed = _sources.Delete(id);
        ForgetPushOf(id);
        if (removed && !keepArticles)
        {
            var articleIds = ArticleIdsOf(id);
            HandOverStoriesOf(articleIds);
            ForgetEntriesOf(articleIds);
            _articles.DeleteMany(Where.Equal("SourceId", id));
        }

        return removed;
    }

    private List<long> ArticleIdsOf(long sourceId)
        => _articles.Query().Where(Where.Equal("SourceId", sourceId)).Select("_id").ToEnumerable().Select(d => d["_id"].AsInt64).ToList();

    private Article ToArticle(BsonDocument document) => _mapper.ToObject<Article>(document);

    /// <summary>The river's order in one indexable string: sort date to the millisecond, then id.</summary>
    private static string RiverKeyOf(DateTimeOffset sortDate, long id)
        => string.Create(CultureInfo.InvariantCulture, $"{sortDate.ToUnixTimeMilliseconds() + EpochOffsetMs:D15}{id:D19}");

    internal static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { EnumAsInteger = false };
        mapper.RegisterType<DateTimeOffset>(
            value => new BsonValue(value.UtcDateTime),
            bson => new DateTimeOffset(DateTime.SpecifyKind(bson.AsDateTime, DateTimeKind.Utc)));
        mapper.RegisterType<TimeSpan>(value => new BsonValue(value.Ticks), bson => TimeSpan.FromTicks(bson.AsInt64));
        mapper.Entity<Source>().Ignore(s => s.Name);
        mapper.Entity<ApiToken>().Ignore(t => t.IsActive);
        mapper.Entity<Article>().Ignore(a => a.BestHtml).Ignore(a => a.ReadingMinutes);
        return mapper;
    }
}
