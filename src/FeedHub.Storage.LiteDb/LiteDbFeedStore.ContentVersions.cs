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

    /// <summary>These articles were written: the scopes they are in move, and those of the stories' first articles they joined.</summary>
    private void ArticlesChanged(IEnumerable<Article> articles)
    {
        Changed();
        var scopes = new HashSet<ContentScope>();
        foreach (var article in articles)
        {
            AddScopes(scopes, article.SourceId, article.SortDate);
            if (article.DuplicateOf is { } lead && Read(() => _articles.Query().Where(Where.Equal("_id", lead)).Select("{ SourceId, SortDate }").FirstOrDefault()) is { } first)
            {
                AddScopes(scopes, first["SourceId"].AsInt64, Instant(first["SortDate"]));
            }
        }

        foreach (var scope in scopes)
        {
            _scopeChanges.AddOrUpdate(scope.Key, 1, (_, n) => n + 1);
        }
    }

    private void AddScopes(HashSet<ContentScope> scopes, long sourceId, DateTimeOffset sortDate)
        => scopes.UnionWith(ContentScope.Of(sourceId, _sourceDirectory.Headings([sourceId]).SelectMany(h => h.Categories), sortDate));
}
