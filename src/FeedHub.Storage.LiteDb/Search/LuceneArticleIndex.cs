using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Directory = Lucene.Net.Store.Directory;

namespace FeedHub.Storage.LiteDb.Search;

/// <summary>
/// The Lucene index of the embedded store's articles, in a folder beside the LiteDB file and owned by the same
/// process. Writes are visible to searches at once (near-real-time readers); they reach the disk at
/// <see cref="Commit"/>, which records the store's outbox position they cover (the watermark), so a crash costs only
/// a replay of the outbox since the last commit.
/// </summary>
internal sealed class LuceneArticleIndex : IDisposable
{
    /// <summary>
    /// Changes whenever the fields change in a way an index written by an older FeedHub cannot answer, so that it is
    /// rebuilt (one whose articles still hold their ids' terms answers alike). "2": dates at a precision step of 8,
    /// which a FeedHub before, querying at a step of 4, would not find: it rebuilds such an index instead.
    /// </summary>
    public const string Format = "2";

    /// <summary>The formats this FeedHub answers from as they are: its own, and "1" (dates at a step of 4, see <see cref="DatePrecisionStep"/>).</summary>
    private static readonly string[] ReadableFormats = [Format, "1"];

    private const string KeyField = "key";
    private const string IdField = "id";
    private const string DateField = "date";
    private const string SourceField = "source";
    private const string WatermarkData = "watermark";
    private const string StoreData = "store";
    private const string FormatData = "format";
    private const int MaxSourceClauses = 512;

    /// <summary>
    /// The dates' numeric terms, one per 8 bits of precision: 8 terms an article instead of the 16 of Lucene's default
    /// step of 4, which indexes written before hold. Nearly every article's finest terms are its own (a millisecond
    /// date), so they were most of a segment's distinct terms (34,100 of 42,600 in 7,000 farm articles), each a new
    /// entry to hash, sort and write at every flush; a range now reads at most 255 terms at each end of a level instead of 15.
    /// The queries use this step, and a step that is a multiple of the one an index was written with finds its terms
    /// as well (the coarser levels are among the finer ones'), so an index written before answers alike, unrebuilt.
    /// </summary>
    private const int DatePrecisionStep = 8;

    /// <summary>
    /// Words with their positions (phrases need them) but without norms: matches come in the river's order, never by
    /// score, so the length factor norms keep for scoring would be computed and written for nothing.
    /// </summary>
    private static readonly FieldType TextType = Frozen(new FieldType(TextField.TYPE_NOT_STORED) { OmitNorms = true });

    private static readonly FieldType DateType = Frozen(new FieldType(Int64Field.TYPE_NOT_STORED) { NumericPrecisionStep = DatePrecisionStep });

    private static readonly Sort RiverOrder = new(new SortField(DateField, SortFieldType.INT64, true), new SortField(IdField, SortFieldType.INT64, true));

    /// <summary>
    /// How far back from the newest possible match each attempt looks. A page of a common word fills within the
    /// first days, so the collector never visits the hundreds of thousands of older matches; a rare word widens the
    /// window until the page is full or the whole river was searched.
    /// </summary>
    private static readonly TimeSpan[] Windows = [TimeSpan.FromDays(7), TimeSpan.FromDays(90), TimeSpan.FromDays(1000)];

    private readonly Directory _directory;
    private readonly SearchAnalyzers _analyzers = new();
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly System.Threading.Lock _refreshLock = new();
    private int _unseenChanges;

    /// <summary>The newest sort date indexed (or later, once that article is gone): where the first window ends.</summary>
    private long _newestDate = long.MinValue;

    /// <summary>
    /// The highest article id the index has held (or more, once that article is gone): a document with a higher id is
    /// not in the index, whatever the store did with its ids (a rolled-back or removed article's id used again).
    /// </summary>
    private long _highestId;

    private LuceneArticleIndex(Directory directory, bool create)
    {
        _directory = directory;
        var config = new IndexWriterConfig(SearchAnalyzers.Version, _analyzers)
        {
            OpenMode = create ? OpenMode.CREATE : OpenMode.APPEND,
            RAMBufferSizeMB = 32,

            // Writers index after letting the store's write lock go, several at once: one in-memory segment for all of
            // them, as when they indexed one at a time, rather than one per thread (small segments flushed at each
            // commit, merged again later). The text analysis then runs beside the store's writer, not under its lock.
            MaxThreadStates = 1,
        };
        _writer = new IndexWriter(directory, config);
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, searcherFactory: null);
        var searcher = _searchers.Acquire();
        try
        {
            foreach (var leaf in searcher.IndexReader.Leaves)
            {
                if (leaf.AtomicReader.GetNumericDocValues(DateField) is { } dates)
                {
                    for (var doc = 0; doc < leaf.AtomicReader.MaxDoc; doc++)
                    {
                        _newestDate = Math.Max(_newestDate, dates.Get(doc));
                    }
                }

                // Deleted documents count too: their ids are what a stale document could still carry.
                if (leaf.AtomicReader.GetNumericDocValues(IdField) is { } ids)
                {
                    for (var doc = 0; doc < leaf.AtomicReader.MaxDoc; doc++)
                    {
                        _highestId = Math.Max(_highestId, ids.Get(doc));
                    }
                }
            }
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>What the last commit recorded: the outbox position it covers and the store it belongs to.</summary>
    public sealed record CommitPoint(long Watermark, string Store);

    /// <summary>
    /// Opens the index in <paramref name="path"/>, or null with the reason when it must be rebuilt (missing, written
    /// by another FeedHub version, unreadable).
    /// </summary>
    public static (LuceneArticleIndex? Index, CommitPoint? Commit, string? RebuildReason) Open(string path)
    {
        var directory = FSDirectory.Open(path);
        try
        {
            if (!DirectoryReader.IndexExists(directory))
            {
                directory.Dispose();
                return (null, null, "there is no search index yet");
            }

            var data = DirectoryReader.ListCommits(directory)[^1].UserData;
            if (!data.TryGetValue(FormatData, out var format) || !ReadableFormats.Contains(format)
                || !data.TryGetValue(WatermarkData, out var watermark) || !data.TryGetValue(StoreData, out var store))
            {
                directory.Dispose();
                return (null, null, "the search index was written by another version");
            }

            return (new LuceneArticleIndex(directory, create: false), new CommitPoint(long.Parse(watermark, CultureInfo.InvariantCulture), store), null);
        }
        catch (IOException e)
        {
            directory.Dispose();
            return (null, null, "the search index could not be read (" + e.Message + ")");
        }
    }

    /// <summary>An empty index in <paramref name="path"/>, replacing whatever was there.</summary>
    public static LuceneArticleIndex Create(string path) => new(FSDirectory.Open(path), create: true);

    /// <summary>The highest article id the index has held (or more).</summary>
    public long HighestId => Interlocked.Read(ref _highestId);

    /// <summary>
    /// Adds or replaces an article. One known not to be in the index (<paramref name="isNew"/>), or with an id above
    /// every id the index has held, is added without the delete by key a replacement costs (a term looked up in every
    /// segment when deletes are applied): new articles, nearly all writes.
    /// </summary>
    public void Upsert(Article article, string sourceNames, bool isNew = false)
    {
        if (isNew || article.Id > Interlocked.Read(ref _highestId))
        {
            _writer.AddDocument(ToDocument(article, sourceNames));
        }
        else
        {
            _writer.UpdateDocument(KeyOf(article.Id), ToDocument(article, sourceNames));
        }
    }

    /// <summary>Adds an article known not to be in the index (a rebuild).</summary>
    public void Add(Article article, string sourceNames) => _writer.AddDocument(ToDocument(article, sourceNames));

    private static Term KeyOf(long articleId) => new(KeyField, articleId.ToString(CultureInfo.InvariantCulture));

    private Document ToDocument(Article article, string sourceNames)
    {
        var date = article.SortDate.ToUnixTimeMilliseconds();
        var document = ArticleFields.OfThisThread.Fill(article, date, sourceNames);
        AtomicMaximum.Raise(ref _newestDate, date);
        AtomicMaximum.Raise(ref _highestId, article.Id);
        Interlocked.Increment(ref _unseenChanges);
        return document;
    }

    public void Delete(long articleId)
    {
        _writer.DeleteDocuments(KeyOf(articleId));
        Interlocked.Increment(ref _unseenChanges);
    }

    public void DeleteSource(long sourceId)
    {
        _writer.DeleteDocuments(new Term(SourceField, sourceId.ToString(CultureInfo.InvariantCulture)));
        Interlocked.Increment(ref _unseenChanges);
    }

    /// <summary>Writes everything indexed so far to disk, recording the outbox position it covers.</summary>
    public void Commit(long watermark, string store)
    {
        _writer.SetCommitData(new Dictionary<string, string>
        {
            [FormatData] = Format,
            [WatermarkData] = watermark.ToString(CultureInfo.InvariantCulture),
            [StoreData] = store,
        });
        _writer.Commit();
    }

    /// <summary>The ids of one page of matches, in the river's order (newest first, then by id).</summary>
    public List<long> Search(ArticleQuery query, SearchQuery search)
    {
        // Under a lock, so a search that starts after a write waits for a refresh already under way to show it.
        lock (_refreshLock)
        {
            if (Interlocked.Exchange(ref _unseenChanges, 0) > 0)
            {
                _searchers.MaybeRefreshBlocking();
            }
        }

        var searcher = _searchers.Acquire();
        try
        {
            var fields = MultiFields.GetMergedFieldInfos(searcher.IndexReader)
                .Select(f => f.Name)
                .Where(SearchAnalyzers.IsTextField)
                .ToList();
            var text = TextQuery(search, fields);
            if (text is null || query.SourceIds is { Count: 0 })
            {
                return [];
            }

            var all = new BooleanQuery { { text, Occur.MUST } };
            if (query.Before is { } before)
            {
                var cursor = new BooleanQuery
                {
                    { NumericRangeQuery.NewInt64Range(DateField, DatePrecisionStep, null, before.SortDate.ToUnixTimeMilliseconds(), true, false), Occur.SHOULD },
                    {
                        new BooleanQuery
                        {
                            { NumericRangeQuery.NewInt64Range(DateField, DatePrecisionStep, before.SortDate.ToUnixTimeMilliseconds(), before.SortDate.ToUnixTimeMilliseconds(), true, true), Occur.MUST },

                            // Among the articles of that very millisecond (a few), the ids below: read from the ids'
                            // doc values, so the ids need no terms of their own.
                            { new ConstantScoreQuery(FieldCacheRangeFilter.NewInt64Range(IdField, null, before.Id, true, false)), Occur.MUST },
                        },
                        Occur.SHOULD
                    },
                };
                all.Add(cursor, Occur.MUST);
            }

            if (query.From is not null || query.To is not null)
            {
                all.Add(NumericRangeQuery.NewInt64Range(DateField, DatePrecisionStep, query.From?.ToUnixTimeMilliseconds(), query.To?.ToUnixTimeMilliseconds(), true, false), Occur.MUST);
            }

            // A category's sources are a clause (their postings lead the search); past what one query may hold, a filter.
            Filter? sources = null;
            if (query.SourceIds?.Distinct().Select(id => id.ToString(CultureInfo.InvariantCulture)).ToArray() is { } ids)
            {
                if (ids.Length <= MaxSourceClauses)
                {
                    var any = new BooleanQuery();
                    foreach (var id in ids)
                    {
                        any.Add(new TermQuery(new Term(SourceField, id)), Occur.SHOULD);
                    }

                    all.Add(any, Occur.MUST);
                }
                else
                {
                    sources = new FieldCacheTermsFilter(SourceField, ids);
                }
            }

            var limit = Math.Clamp(query.Limit, 1, 1000);
            var newest = Math.Min(Interlocked.Read(ref _newestDate), Math.Min(
                query.Before?.SortDate.ToUnixTimeMilliseconds() ?? long.MaxValue, query.To?.ToUnixTimeMilliseconds() ?? long.MaxValue));
            foreach (var window in newest == long.MinValue ? [] : Windows)
            {
                // Everything newer than the window's start is in it, so a full page from it is the page.
                var windowed = new BooleanQuery
                {
                    { all, Occur.MUST },
                    { NumericRangeQuery.NewInt64Range(DateField, DatePrecisionStep, newest - (long)window.TotalMilliseconds, null, true, true), Occur.MUST },
                };
                var page = searcher.Search(windowed, sources, limit, RiverOrder);
                if (page.ScoreDocs.Length == limit)
                {
                    return Ids(searcher.IndexReader, page.ScoreDocs);
                }
            }

            var top = searcher.Search(all, sources, limit, RiverOrder);
            return Ids(searcher.IndexReader, top.ScoreDocs);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>Where the words of <paramref name="search"/> occur in <paramref name="text"/>, read with the rules of <paramref name="language"/>.</summary>
    public List<TextMatch> Matches(SearchQuery search, string language, string text)
    {
        var field = SearchAnalyzers.FieldFor(language);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        if (TextQuery(search, [field]) is { } query)
        {
            var terms = new HashSet<Term>();
            query.ExtractTerms(terms);
            wanted.UnionWith(terms.Where(t => t.Field == field).Select(t => t.Text));
        }

        var matches = new List<TextMatch>();
        if (wanted.Count == 0 || text.Length == 0)
        {
            return matches;
        }

        using var tokens = _analyzers.For(field).GetTokenStream(field, text);
        var term = tokens.AddAttribute<ICharTermAttribute>();
        var offset = tokens.AddAttribute<IOffsetAttribute>();
        tokens.Reset();
        while (tokens.IncrementToken())
        {
            if (wanted.Contains(term.ToString()))
            {
                matches.Add(new TextMatch(offset.StartOffset, offset.EndOffset - offset.StartOffset));
            }
        }

        tokens.End();
        return matches;
    }

    /// <summary>
    /// Closes the index without writing what it was given since its last commit: a rebuild stopped half-way leaves the
    /// folder as it found it (no index, or the one it replaces), so the next opening builds it again.
    /// </summary>
    public void Abandon()
    {
        _searchers.Dispose();
        _writer.Rollback();
        _analyzers.Dispose();
        _directory.Dispose();
    }

    public void Dispose()
    {
        _searchers.Dispose();
        try
        {
            _writer.Dispose();
        }
        catch (IOException)
        {
            // Closing commits; on a full disk the index stays at its last commit (the store's outbox holds the rest).
            _writer.Rollback();
        }

        _analyzers.Dispose();
        _directory.Dispose();
    }

    /// <summary>
    /// One branch per language field: every required group (one of its alternatives) and none of the excluded terms,
    /// each analysed with that language's rules. A term that is only stop words in a language is left out of that
    /// language's branch, as PostgreSQL does. Null when no branch can match.
    /// </summary>
    private BooleanQuery? TextQuery(SearchQuery search, IEnumerable<string> fields)
    {
        var branches = new BooleanQuery();
        foreach (var field in fields)
        {
            var builder = new QueryBuilder(_analyzers.For(field));
            var branch = new BooleanQuery();
            foreach (var group in search.Required)
            {
                var alternatives = group.Select(term => builder.CreatePhraseQuery(field, term.Text)).Where(q => q is not null).ToList();
                if (alternatives.Count == 1)
                {
                    branch.Add(alternatives[0], Occur.MUST);
                }
                else if (alternatives.Count > 1)
                {
                    var any = new BooleanQuery();
                    foreach (var alternative in alternatives)
                    {
                        any.Add(alternative, Occur.SHOULD);
                    }

                    branch.Add(any, Occur.MUST);
                }
            }

            if (branch.Clauses.Count == 0)
            {
                continue;
            }

            foreach (var excluded in search.Excluded)
            {
                if (builder.CreatePhraseQuery(field, excluded.Text) is { } query)
                {
                    branch.Add(query, Occur.MUST_NOT);
                }
            }

            branches.Add(branch, Occur.SHOULD);
        }

        return branches.Clauses.Count == 0 ? null : branches;
    }

    /// <summary>
    /// The fields of an article's document, given each article's values in turn: the writer reads a document while
    /// adding it and keeps nothing of it, and a field made anew would build its token stream anew (a numeric one, with
    /// its attributes, for each of id and date). One set per thread, so writers on several threads never share one.
    /// </summary>
    private sealed class ArticleFields
    {
        [ThreadStatic]
        private static ArticleFields? t_ofThisThread;

        private readonly StringField _key = new(KeyField, string.Empty, Field.Store.NO);

        // The id in doc values alone (the river's order, the cursor): its 16 terms, which an index from before holds,
        // were the most of an article's terms that are not words.
        private readonly NumericDocValuesField _idValue = new(IdField, 0);
        private readonly Int64Field _date = new(DateField, 0, DateType);
        private readonly NumericDocValuesField _dateValue = new(DateField, 0);
        private readonly StringField _source = new(SourceField, string.Empty, Field.Store.NO);
        private readonly SortedDocValuesField _sourceValue = new(SourceField, new BytesRef());

        /// <summary>Per language field, one field for each of the title, author, source names and body.</summary>
        private readonly Dictionary<string, Field[]> _texts = new(StringComparer.Ordinal);

        public static ArticleFields OfThisThread => t_ofThisThread ??= new ArticleFields();

        public Document Fill(Article article, long date, string sourceNames)
        {
            var source = article.SourceId.ToString(CultureInfo.InvariantCulture);
            _key.SetStringValue(article.Id.ToString(CultureInfo.InvariantCulture));
            _idValue.SetInt64Value(article.Id);
            _date.SetInt64Value(date);
            _dateValue.SetInt64Value(date);
            _source.SetStringValue(source);
            _sourceValue.SetBytesValue(new BytesRef(source));
            var document = new Document { _key, _idValue, _date, _dateValue, _source, _sourceValue };
            var field = SearchAnalyzers.FieldFor(SearchLanguages.For(article.Language));
            if (!_texts.TryGetValue(field, out var texts))
            {
                texts = [.. Enumerable.Range(0, 4).Select(_ => new Field(field, string.Empty, TextType))];
                _texts[field] = texts;
            }

            var used = 0;
            foreach (var value in (string?[])[article.Title, article.Author, sourceNames, SearchText.Body(article)])
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    texts[used].SetStringValue(value);
                    document.Add(texts[used++]);
                }
            }

            return document;
        }
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    private static List<long> Ids(IndexReader reader, ScoreDoc[] hits)
    {
        var leaves = reader.Leaves;
        var ids = new List<long>(hits.Length);
        foreach (var hit in hits)
        {
            var leaf = leaves[ReaderUtil.SubIndex(hit.Doc, leaves)];
            ids.Add(leaf.AtomicReader.GetNumericDocValues(IdField).Get(hit.Doc - leaf.DocBase));
        }

        return ids;
    }
}
