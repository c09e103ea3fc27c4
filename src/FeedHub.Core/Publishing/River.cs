using FeedHub.Core.Model;
using FeedHub.Core.Search;
using FeedHub.Core.Storage;

namespace FeedHub.Core.Publishing;

/// <summary>Which part of the river to read: everything, one category, or one source; and only what a search finds.</summary>
public sealed record RiverFilter(string? Category = null, long? SourceId = null, SearchQuery? Search = null)
{
    public bool IsEmpty => Category is null && SourceId is null && Search is null;
}

/// <summary>
/// A page of the river: its stories, the sources they name (and the filter's source), the cursor of the next (older)
/// page, and every category there is.
/// </summary>
public sealed record RiverPage(IReadOnlyList<Story> Stories, IReadOnlyDictionary<long, Source> Sources, ArticleCursor? Next, IReadOnlyList<string> Categories);

/// <summary>One story: an article and every source that carried it (its own first, then the others, oldest first).</summary>
public sealed record Story(Article Article, IReadOnlyList<Source> Sources);

/// <summary>
/// Reads the river (newest first) for the reading list and the merged feeds. The store decides which articles tell
/// the same story (see <see cref="IFeedStore.ListStoryMembersAsync"/>), so a page holds exactly its size of stories
/// and paging by cursor never skips or repeats one:
/// <list type="bullet">
/// <item>the whole river shows each story once, at its first article;</item>
/// <item>one source shows every article of that source, each credited to the other sources of its story;</item>
/// <item>a category shows each story once, at the first of its articles that a source of the category carried;</item>
/// <item>a search shows the matching articles (of one source, a category or all), each story once on a page.</item>
/// </list>
/// </summary>
public sealed class River(IFeedStore store)
{
    public async Task<RiverPage> ReadAsync(RiverFilter filter, ArticleCursor? before, int limit, CancellationToken cancellationToken)
    {
        // A category filter reads the category's sources from the store's category index; other pages read the sources they name.
        var sources = filter.Category is { } named ? await SourcesInAsync(named, cancellationToken).ConfigureAwait(false) : [];
        if (filter.SourceId is { } only)
        {
            await AddSourcesAsync(sources, [only], cancellationToken).ConfigureAwait(false);
        }

        var page = new List<Story>(limit + 1);
        if (filter.SourceId is { } sourceId)
        {
            var articles = await store.ListArticlesAsync(
                new ArticleQuery { SourceIds = [sourceId], Before = before, Search = filter.Search, Limit = limit + 1 }, cancellationToken).ConfigureAwait(false);
            page.AddRange(await CreditAsync(articles, sources, cancellationToken).ConfigureAwait(false));
        }
        else if (filter.Search is { } search)
        {
            await ReadSearchAsync(search, filter.Category is { } within ? InCategory(sources, within) : null, before, limit + 1, sources, page, cancellationToken).ConfigureAwait(false);
        }
        else if (filter.Category is { } category)
        {
            await ReadCategoryAsync(InCategory(sources, category), before, limit + 1, sources, page, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var articles = await store.ListArticlesAsync(new ArticleQuery { StoriesOnly = true, Before = before, Limit = limit + 1 }, cancellationToken).ConfigureAwait(false);
            page.AddRange(await CreditAsync(articles, sources, cancellationToken).ConfigureAwait(false));
        }

        ArticleCursor? next = page.Count > limit ? ArticleCursor.Of(page[limit - 1].Article) : null;
        return new RiverPage(page.Take(limit).ToList(), sources, next, await CategoriesAsync(store, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The parts of the store's content a page of the river shows: one source's articles, one category's, or every
    /// article (with or without a search). A story's other sources are credited through its first article's scopes.
    /// </summary>
    public static IReadOnlyCollection<ContentScope> ScopesOf(RiverFilter filter)
        => filter.SourceId is { } source ? [ContentScope.Source(source)]
            : filter.Category is { } category ? [ContentScope.Category(category)]
            : [ContentScope.River];

    /// <summary>Every category of the sources, by name, from the counts the store keeps.</summary>
    public static async Task<IReadOnlyList<string>> CategoriesAsync(IFeedStore store, CancellationToken cancellationToken)
        => (await store.GetTalliesAsync(cancellationToken).ConfigureAwait(false)).Categories
            .Select(c => c.Name).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Excerpts of each story of a page read with a search, with the matching words marked, by article id.</summary>
    public Task<IReadOnlyDictionary<long, SearchHighlight>> HighlightAsync(RiverPage page, SearchQuery search, CancellationToken cancellationToken)
        => store.HighlightAsync(search, page.Stories.Select(story => story.Article).ToList(), cancellationToken);

    /// <summary>The sources of a category, a page at a time from the store's category index.</summary>
    private async Task<Dictionary<long, Source>> SourcesInAsync(string category, CancellationToken cancellationToken)
    {
        var sources = new Dictionary<long, Source>();
        var query = new SourceListQuery { Category = category, Sort = SourceSort.Name, Limit = SourceListQuery.MaxLimit };
        while (true)
        {
            var page = await store.ListSourcesAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var source in page.Sources)
            {
                sources[source.Id] = source;
            }

            if (page.Next is not { } next)
            {
                return sources;
            }

            query = query with { After = next };
        }
    }

    private static HashSet<long> InCategory(Dictionary<long, Source> sources, string category)
        => sources.Values.Where(s => s.Categories.Contains(category, StringComparer.OrdinalIgnoreCase)).Select(s => s.Id).ToHashSet();

    /// <summary>
    /// Articles matching a search (of the given sources, or all), each story once on the page: several articles of one
    /// story can match, and the first one read stands for it. Reads on until the page is full.
    /// </summary>
    private async Task ReadSearchAsync(
        SearchQuery search, HashSet<long>? within, ArticleCursor? before, int wanted, Dictionary<long, Source> sources, List<Story> page, CancellationToken cancellationToken)
    {
        if (within is { Count: 0 })
        {
            return;
        }

        var shownStories = new HashSet<long>();
        var cursor = before;
        while (page.Count < wanted)
        {
            var requested = wanted - page.Count;
            var articles = await store.ListArticlesAsync(new ArticleQuery { SourceIds = within, Before = cursor, Search = search, Limit = requested }, cancellationToken).ConfigureAwait(false);
            if (articles.Count == 0)
            {
                return;
            }

            page.AddRange(await CreditAsync(articles.Where(a => shownStories.Add(StoryOf(a))).ToList(), sources, cancellationToken).ConfigureAwait(false));
            if (articles.Count < requested)
            {
                return;
            }

            cursor = ArticleCursor.Of(articles[^1]);
        }
    }

    /// <summary>
    /// Articles of the category's sources, keeping the first of each story among them; reads on until the page is
    /// full, since a story told by several of the category's sources is shown at its first article only.
    /// </summary>
    private async Task ReadCategoryAsync(
        HashSet<long> inCategory, ArticleCursor? before, int wanted, Dictionary<long, Source> sources, List<Story> page, CancellationToken cancellationToken)
    {
        if (inCategory.Count == 0)
        {
            return;
        }

        var cursor = before;
        while (page.Count < wanted)
        {
            var requested = wanted - page.Count;
            var articles = await store.ListArticlesAsync(new ArticleQuery { SourceIds = inCategory, Before = cursor, Limit = requested }, cancellationToken).ConfigureAwait(false);
            if (articles.Count == 0)
            {
                return;
            }

            var members = await store.ListStoryMembersAsync(articles.Select(StoryOf).ToList(), cancellationToken).ConfigureAwait(false);
            // The other sources of a story may be outside the category: they are credited too.
            await AddSourcesAsync(sources, members.Select(m => m.SourceId), cancellationToken).ConfigureAwait(false);
            var firstInCategory = members.Where(m => inCategory.Contains(m.SourceId)).GroupBy(m => m.StoryId).ToDictionary(g => g.Key, g => g.Min(m => m.ArticleId));
            var shown = articles.Where(a => firstInCategory.GetValueOrDefault(StoryOf(a), a.Id) == a.Id).ToList();
            page.AddRange(Credit(shown, members, sources));
            if (articles.Count < requested)
            {
                return;
            }

            cursor = ArticleCursor.Of(articles[^1]);
        }
    }

    /// <summary>One look-up for the whole page: every source that carried each of its stories.</summary>
    private async Task<IEnumerable<Story>> CreditAsync(IReadOnlyList<Article> articles, Dictionary<long, Source> sources, CancellationToken cancellationToken)
    {
        var members = await store.ListStoryMembersAsync(articles.Select(StoryOf).ToList(), cancellationToken).ConfigureAwait(false);
        await AddSourcesAsync(sources, articles.Select(a => a.SourceId).Concat(members.Select(m => m.SourceId)), cancellationToken).ConfigureAwait(false);
        return Credit(articles, members, sources);
    }

    /// <summary>Reads, by id, the sources among <paramref name="ids"/> not yet in <paramref name="sources"/>.</summary>
    private async Task AddSourcesAsync(Dictionary<long, Source> sources, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        var missing = ids.Where(id => !sources.ContainsKey(id)).ToHashSet();
        if (missing.Count == 0)
        {
            return;
        }

        foreach (var source in await store.GetSourcesAsync(missing, cancellationToken).ConfigureAwait(false))
        {
            sources[source.Id] = source;
        }
    }

    private static IEnumerable<Story> Credit(IEnumerable<Article> articles, IReadOnlyList<StoryMember> members, Dictionary<long, Source> sources)
    {
        var byStory = members.GroupBy(m => m.StoryId).ToDictionary(g => g.Key, g => g.OrderBy(m => m.ArticleId).Select(m => m.SourceId).ToList());
        foreach (var article in articles)
        {
            var credited = new List<Source>();
            foreach (var sourceId in byStory.GetValueOrDefault(StoryOf(article), []).Prepend(article.SourceId).Distinct())
            {
                if (sources.TryGetValue(sourceId, out var source))
                {
                    credited.Add(source);
                }
            }

            yield return new Story(article, credited);
        }
    }

    private static long StoryOf(Article article) => article.DuplicateOf ?? article.Id;
}
