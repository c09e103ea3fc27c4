using System.Collections.Concurrent;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Content versions in memory: the file belongs to one process, and every version starts from the store's version
/// base when it opens, so a cached page never outlives a restart. Each scope counts the writes that touched it; a
/// page's version is the sum of its scopes' counts, which grows whenever any of them does.
/// </summary>
public sealed partial class LiteDbFeedStore
{
    private readonly ConcurrentDictionary<string, long> _scopeChanges = new(StringComparer.Ordinal);

    public Task<long> GetContentVersionAsync(IReadOnlyCollection<ContentScope> scopes, CancellationToken cancellationToken)
    {
        var version = _versionBase + _scopeChanges.GetValueOrDefault(ContentScope.Sources.Key);
        foreach (var scope in scopes.Distinct())
        {
            if (scope != ContentScope.Sources)
            {
                version += _scopeChanges.GetValueOrDefault(scope.Key);
            }
        }

        return Task.FromResult(version);
    }

    /// <summary>What readers see of the sources changed: every page's version moves.</summary>
    private void SourcesChanged()
    {
        Changed();
        _scopeChanges.AddOrUpdate(ContentScope.Sources.Key, 1, (_, n) => n + 1);
    }

    /// <summary>
    /// These articles were written: the scopes they are in move, and those of the stories' first articles they joined.
    /// Each source's categories are asked of the directory once, and the first articles are read in one query: a poll's
    /// articles are of one source, and a look-up per article cost a lock, a list and a query each time.
    /// </summary>
    private void ArticlesChanged(IReadOnlyList<Article> articles)
    {
        Changed();
        var scopes = new HashSet<ContentScope>();
        var categories = new Dictionary<long, List<string>>();
        var leads = new HashSet<long>();
        foreach (var article in articles)
        {
            AddScopes(scopes, categories, article.SourceId, article.SortDate);
            if (article.DuplicateOf is { } lead)
            {
                leads.Add(lead);
            }
        }

        if (leads.Count > 0)
        {
            var firsts = Read(() => _articles.Query().Where(Where.In("_id", leads)).Select("{ SourceId, SortDate }").ToList());
            foreach (var first in firsts)
            {
                AddScopes(scopes, categories, first["SourceId"].AsInt64, Instant(first["SortDate"]));
            }
        }

        foreach (var scope in scopes)
        {
            _scopeChanges.AddOrUpdate(scope.Key, 1, (_, n) => n + 1);
        }
    }

    private void AddScopes(HashSet<ContentScope> scopes, Dictionary<long, List<string>> categories, long sourceId, DateTimeOffset sortDate)
    {
        if (!categories.TryGetValue(sourceId, out var ofSource))
        {
            categories[sourceId] = ofSource = [.. _sourceDirectory.Headings([sourceId]).SelectMany(h => h.Categories)];
        }

        scopes.UnionWith(ContentScope.Of(sourceId, ofSource, sortDate));
    }
}
