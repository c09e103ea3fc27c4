using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Publishing;

/// <summary>Which part of the river to read: everything, one category, or one source.</summary>
public sealed record RiverFilter(string? Category = null, long? SourceId = null)
{
    public bool IsEmpty => Category is null && SourceId is null;
}

/// <summary>A page of the river with the sources its articles came from and the cursor of the next (older) page.</summary>
public sealed record RiverPage(IReadOnlyList<Article> Articles, IReadOnlyDictionary<long, Source> Sources, ArticleCursor? Next);

/// <summary>Reads the river (newest first) for the reading list and the merged feeds.</summary>
public sealed class River(IFeedStore store)
{
    public async Task<RiverPage> ReadAsync(RiverFilter filter, ArticleCursor? before, int limit, CancellationToken cancellationToken)
    {
        var sources = (await store.ListSourcesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Id);
        IReadOnlyCollection<long>? sourceIds = null;
        if (filter.SourceId is { } sourceId)
        {
            sourceIds = [sourceId];
        }
        else if (filter.Category is { } category)
        {
            sourceIds = sources.Values.Where(s => s.Categories.Contains(category, StringComparer.OrdinalIgnoreCase)).Select(s => s.Id).ToList();
        }

        var articles = await store.ListArticlesAsync(new ArticleQuery { SourceIds = sourceIds, Before = before, Limit = limit + 1 }, cancellationToken).ConfigureAwait(false);
        var page = articles.Take(limit).ToList();
        ArticleCursor? next = articles.Count > limit ? ArticleCursor.Of(page[^1]) : null;
        return new RiverPage(page, sources, next);
    }
}
