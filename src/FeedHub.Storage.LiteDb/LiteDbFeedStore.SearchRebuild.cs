using System.Globalization;
using FeedHub.Storage.LiteDb.Search;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// A lost, corrupt or foreign search index is built again in the background once the store is open: the river, the
/// feeds, polls and curators work at once, and only searches wait (at a million articles the rebuild takes minutes).
/// Nothing of it is committed before it is done, so a crash or a close half-way leaves the folder as it was and the
/// next opening starts again. A rebuild that fails (a full disk, a damaged folder) starts again from nothing after a
/// wait, longer each time, and says why in the log and in the index's state; searches stay refused meanwhile.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    /// <summary>The longest wait between two attempts at a rebuild that keeps failing.</summary>
    private static readonly TimeSpan MaxRebuildRetryDelay = TimeSpan.FromMinutes(30);

    /// <summary>Where the index lives, to be created again when a rebuild starts over.</summary>
    private string _searchPath = string.Empty;

    /// <summary>
    /// Completes once the search index holds every article: at once when it opened whole, else when the background
    /// rebuild is done, however many attempts it took (cancelled if the store closed first).
    /// </summary>
    public Task SearchIndexReady => _rebuildRun;

    private void StartRebuild(SearchRebuild rebuild, LiteDbSearchOptions options)
    {
        var stopping = _rebuildStopping.Token;
        _rebuildRun = Task.Run(() => RebuildAsync(rebuild, options, stopping), stopping);
    }

    private async Task RebuildAsync(SearchRebuild rebuild, LiteDbSearchOptions options, CancellationToken stopping)
    {
        var wait = options.RebuildRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (attempt > 1)
                {
                    rebuild = StartOver(rebuild);
                }

                await IndexEveryArticleAsync(rebuild, options, stopping).ConfigureAwait(false);
                break;
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // The wait starts before the failure is told, so whoever reads of it (a test's clock) finds it under way.
                var retry = Task.Delay(wait, options.Time, stopping);
                rebuild.Fail(failure);
                SearchIndexState = string.Create(CultureInfo.InvariantCulture, $"not rebuilt ({failure.Message}), tried again in {wait.TotalMinutes:0.#} min: {rebuild.Reason}");
                LogRebuildFailed(_logger, _searchPath, attempt, failure.Message, wait.TotalMinutes, failure);
                await retry.ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxRebuildRetryDelay.Ticks));
            }
        }

        // Searches are answered once the index is on disk: the commit writes what the writer still holds in memory,
        // which the first search would otherwise wait for. On a full disk the commit is retried by the timer, and
        // until one succeeds a crash means rebuilding again.
        rebuild.Whole = true;
        TryCommitSearch();
        SearchIndexState = $"rebuilt {rebuild.Done} articles: {rebuild.Reason}";
        _rebuild = null;
    }

    private async Task IndexEveryArticleAsync(SearchRebuild rebuild, LiteDbSearchOptions options, CancellationToken stopping)
    {
        rebuild.Total = CountArticlesUpTo(rebuild.Bound, stopping);
        do
        {
            if (options.BeforeRebuildBatch is { } hold)
            {
                await hold(stopping).ConfigureAwait(false);
            }

            stopping.ThrowIfCancellationRequested();
        }
        while (IndexRebuildBatch(rebuild, options.RebuildBatchSize, stopping));
    }

    /// <summary>
    /// Throws away what a failed rebuild indexed (the index may have lost part of it with the failure) and starts a new
    /// one on an empty index, up to the highest article now: the articles added since the store opened were indexed in
    /// the index thrown away. Under the write lock once no write is indexing, so none indexes into the old index after.
    /// </summary>
    private SearchRebuild StartOver(SearchRebuild failed)
    {
        lock (_writeLock)
        {
            _indexing.WaitForAll();
            long bound;
            lock (_idLock)
            {
                bound = _nextArticleId - 1;
            }

            lock (_commitLock)
            {
                if (_search is { } halfBuilt)
                {
                    // Until an index is created again, writes go on without one (and mark it for a rebuild at the next opening).
                    _search = null;
                    try
                    {
                        halfBuilt.Abandon();
                    }
                    catch (Exception abandoned) when (abandoned is IOException or InvalidOperationException)
                    {
                        // Nothing of it was committed: the folder holds what it held before, if anything.
                    }
                }

                _search = LuceneArticleIndex.Create(_searchPath);
            }

            var next = new SearchRebuild(failed.Reason, bound, failed.Since);
            _rebuild = next;
            return next;
        }
    }

    /// <summary>
    /// Reads the next batch of articles under the write lock, so every write comes wholly before it (and the batch sees
    /// it) or after (and indexes its articles after the batch's, see <see cref="IndexingTurns"/>), then indexes it
    /// outside the lock. False when nothing is left to read.
    /// </summary>
    private bool IndexRebuildBatch(SearchRebuild rebuild, int size, CancellationToken stopping)
    {
        List<BsonDocument> batch;
        var names = new Dictionary<long, string>();
        long position;
        lock (_writeLock)
        {
            // Never BETWEEN a higher and a lower id: LiteDB takes the two either way round.
            batch = rebuild.ReadUpTo >= rebuild.Bound ? []
                : _articles.Query().Where(Where.Between("_id", rebuild.ReadUpTo + 1, rebuild.Bound)).OrderBy("_id").Limit(size).ToList();
            if (batch.Count == 0)
            {
                // Every article up to the bound is read (those left are gone): writes index all theirs again.
                rebuild.ReadUpTo = rebuild.Bound;
                return false;
            }

            // The names as they stand now: a rename after this waits for the batch, then indexes its articles again.
            foreach (var document in batch)
            {
                SourceNamesOf(document["SourceId"].AsInt64, names);
            }

            rebuild.ReadUpTo = batch[^1]["_id"].AsInt64;

            // A position of its own in the writes' order, with no outbox entry: nothing to replay for it.
            position = ++_lastOutboxId;
            _indexing.Begin(position, KeysOf(batch));
        }

        try
        {
            var index = _search!;
            foreach (var document in batch)
            {
                if (stopping.IsCancellationRequested)
                {
                    break;
                }

                var article = ToArticle(document);
                _indexing.Index(position, article.Id, () => index.Add(article, names[article.SourceId]));
            }
        }
        finally
        {
            _indexing.End(position, KeysOf(batch));
        }

        rebuild.Indexed(batch.Count);
        return true;
    }

    /// <summary>The articles a rebuild reads, counted a range of ids at a time so that closing the store need not wait for the count.</summary>
    private long CountArticlesUpTo(long bound, CancellationToken stopping)
    {
        const long IdsAtATime = 100_000;
        long count = 0;
        for (var low = 1L; low <= bound; low += IdsAtATime)
        {
            stopping.ThrowIfCancellationRequested();
            count += _articles.LongCount(Where.Between("_id", low, Math.Min(bound, low + IdsAtATime - 1)));
        }

        return count;
    }

    /// <summary>Stops a rebuild under way (or its wait for another attempt) and waits for it (its batch, or its final commit) to end, before the index is closed.</summary>
    private void StopRebuild()
    {
        _rebuildStopping.Cancel();
        try
        {
            _rebuildRun.Wait();
        }
        catch (AggregateException)
        {
            // Cancelled.
        }
    }

    private static IEnumerable<(long Id, long SourceId)> KeysOf(List<BsonDocument> documents)
        => documents.Select(document => (document["_id"].AsInt64, document["SourceId"].AsInt64));

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The search index in {Folder} could not be rebuilt (attempt {Attempt}): {Cause}. Searches are refused until it is, everything else works; it starts again from nothing in {Minutes:0.#} min. Check the disk that holds the folder (free space, permissions, errors)")]
    private static partial void LogRebuildFailed(ILogger logger, string folder, int attempt, string cause, double minutes, Exception failure);
}
