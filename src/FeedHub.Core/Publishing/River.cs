using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Publishing;

/// <summary>Which part of the river to read: everything, one category, or one source; and only what a search finds.</summary>
public sealed record RiverFilter(string? Category = null, long? SourceId = null, SearchQuery? Search = null)
{
    public bool IsEmpty => Category is null && SourceId is null && Search is null;
}

/// <summary>A page of the river: its stories, the sources, and the cursor of the next (older) page.</summary>
public sealed record RiverPage(IReadOnlyList<Story> Stories, IReadOnlyDictionary<long, Source> Sources, ArticleCursor? Next);

/// <summary>One story: the newest copy of an article and every source that carried it (same canonical URL).</summary>
public sealed record Story(Article Article, IReadOnlyList<Source> Sources);

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

        var articles = await store.ListArticlesAsync(
            new ArticleQuery { SourceIds = sourceIds, Before = before, Search = filter.Search, Limit = limit + 1 }, cancellationToken).ConfigureAwait(false);
        var page = articles.Take(limit).ToList();
        ArticleCursor? next = articles.Count > limit ? ArticleCursor.Of(page[^1]) : null;
        return new RiverPage(Stories(page, sources), sources, next);
    }

    /// <summary>Excerpts of each story of a page read with a search, with the matching words marked, by article id.</summary>
    public Task<IReadOnlyDictionary<long, SearchHighlight>> HighlightAsync(RiverPage page, SearchQuery search, CancellationToken cancellationToken)
        => store.HighlightAsync(search, page.Stories.Select(story => story.Article).ToList(), cancellationToken);

    /// <summary>Articles of several sources with the same canonical URL are one story, shown once and credited to all.</summary>
    private static List<Story> Stories(List<Article> page, Dictionary<long, Source> sources)
    {
        var stories = new List<Story>(page.Count);
        var byUrl = new Dictionary<string, (int Index, List<Source> Sources)>(StringComparer.Ordinal);
        foreach (var article in page)
        {
            var source = sources.GetValueOrDefault(article.SourceId);
            if (article.CanonicalUrl is { } url && byUrl.TryGetValue(url, out var story))
            {
                if (source is not null && !story.Sources.Contains(source))
                {
                    story.Sources.Add(source);
                }

                continue;
            }

            var credited = source is null ? new List<Source>() : [source];
            if (article.CanonicalUrl is { } canonical)
            {
                byUrl[canonical] = (stories.Count, credited);
            }

            stories.Add(new Story(article, credited));
        }

        return stories;
    }
}
