using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// The embedded store's index of its sources for listing them and naming them in the digest: each source's health
/// rank, name, name key, search text and categories (<see cref="SourceHealthRules"/>, <see cref="SourceKeys"/>) in two orders (worst health first, by name),
/// with the counts by health state and category. The file belongs to one process, so the index lives in memory: it is
/// built once when the store opens and changed with every write of a source. A page walks one order from its cursor,
/// so it costs the page and the entries its filters skip (a few bytes each), never a source document more than shown.
/// It also keeps each source's outline (<see cref="SourceOutline"/>, by id), so the blogroll and OPML read no document,
/// and the sources by feed address (<see cref="SourceAddress.IdentityOf"/>), so an add or a move checks for a source
/// already there without reading every source. And it keeps each source whole, as the file gives it back, so a read
/// of a source by id (every poll's first step) is a copy instead of a query through LiteDB's pipeline and its mapping.
/// </summary>
internal sealed class SourceDirectory
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Entry> _byId = [];
    private readonly SortedSet<Entry> _byHealth = new(Comparer<Entry>.Create(CompareByHealth));
    private readonly SortedSet<Entry> _byName = new(Comparer<Entry>.Create(CompareByName));
    private readonly int[] _healthCounts = new int[Enum.GetValues<HealthStatus>().Length];
    private readonly Dictionary<string, int> _categoryCounts = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, SourceOutline> _outlines = [];

    /// <summary>
    /// The ids of the sources at each feed address (<see cref="SourceAddress.IdentityOf"/>): one, since the store adds
    /// and moves a source only to a free address; several only in a file written before, until it is opened.
    /// </summary>
    private readonly Dictionary<string, SortedSet<long>> _byIdentity = new(StringComparer.Ordinal);

    /// <summary>
    /// Each source as the file holds it. One kept is never changed, only replaced: a reader copies it outside the lock.
    /// </summary>
    private readonly Dictionary<long, Source> _kept = [];

    /// <summary>What the file gives back of a source written: the store's mapping there and back (whole milliseconds, trimmed strings).</summary>
    private readonly Func<Source, Source> _asStored;

    /// <param name="sources">Every source, as read from the file: kept as they are.</param>
    /// <param name="asStored">A source written as the file will give it back, a copy of its own.</param>
    public SourceDirectory(IEnumerable<Source> sources, Func<Source, Source> asStored)
    {
        _asStored = asStored;
        foreach (var source in sources)
        {
            Add(Entry.Of(source), SourceOutline.Of(source));
            _kept[source.Id] = source;
        }
    }

    /// <summary>How many sources the store has.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Adds the source, or replaces what was known of it.</summary>
    public void Put(Source source)
    {
        var (entry, outline, kept) = (Entry.Of(source), SourceOutline.Of(source), _asStored(source));
        lock (_lock)
        {
            Drop(source.Id);
            Add(entry, outline);
            _kept[source.Id] = kept;
        }
    }

    /// <summary>
    /// Replaces the kept source alone, for a write of its fetch state that leaves its listing entry as it was (the
    /// same health): rebuilding the entry's name and address keys was most of a quiet poll's save.
    /// </summary>
    public void Keep(Source source)
    {
        var kept = _asStored(source);
        lock (_lock)
        {
            if (_byId.ContainsKey(source.Id))
            {
                _kept[source.Id] = kept;
            }
        }
    }

    /// <summary>The source, a copy of its own to change, or null when there is none.</summary>
    public Source? Get(long id)
    {
        Source? kept;
        lock (_lock)
        {
            kept = _kept.GetValueOrDefault(id);
        }

        return kept?.Copy();
    }

    /// <summary>Those of the sources that exist, by id, each a copy of its own.</summary>
    public Dictionary<long, Source> Get(IEnumerable<long> ids)
    {
        var found = new List<Source>();
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (_kept.TryGetValue(id, out var kept))
                {
                    found.Add(kept);
                }
            }
        }

        var copies = new Dictionary<long, Source>(found.Count);
        foreach (var kept in found)
        {
            copies[kept.Id] = kept.Copy();
        }

        return copies;
    }

    /// <summary>Every source, by id, each a copy of its own.</summary>
    public List<Source> All()
    {
        Source[] kept;
        lock (_lock)
        {
            kept = [.. _kept.Values];
        }

        Array.Sort(kept, (a, b) => a.Id.CompareTo(b.Id));
        return [.. kept.Select(source => source.Copy())];
    }

    public void Remove(long id)
    {
        lock (_lock)
        {
            Drop(id);
        }
    }

    /// <summary>The name and categories of each of these sources that exists (the digest's headings).</summary>
    public List<SourceHeading> Headings(IEnumerable<long> ids)
    {
        var headings = new List<SourceHeading>();
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (_byId.TryGetValue(id, out var entry))
                {
                    headings.Add(new SourceHeading(entry.Id, entry.Name, entry.Categories));
                }
            }
        }

        return headings;
    }

    /// <summary>The lowest id of the sources whose feed address has this identity (<see cref="UrlNormalizer.ForIdentity"/>).</summary>
    public long? FindByIdentity(string identity)
    {
        lock (_lock)
        {
            return _byIdentity.TryGetValue(identity, out var ids) ? ids.Min : null;
        }
    }

    /// <summary>The ids of the sources at each address several share, lowest first (<see cref="LiteDbFeedStore"/> opening an older file).</summary>
    public List<long[]> SharedAddresses()
    {
        lock (_lock)
        {
            return [.. _byIdentity.Values.Where(ids => ids.Count > 1).Select(ids => ids.ToArray())];
        }
    }

    /// <summary>Every source's outline, by id.</summary>
    public List<SourceOutline> Outlines()
    {
        lock (_lock)
        {
            return [.. _outlines.Values];
        }
    }

    /// <summary>The ids of the query's page in order, one more than the page when there is a next page.</summary>
    public List<long> Page(SourceListQuery query)
    {
        var wanted = query.PageSize + 1;
        var ids = new List<long>(wanted);
        var (health, category, search) = (query.Health is { } h ? (int)h : (int?)null, query.CategoryKey, query.SearchKey);
        lock (_lock)
        {
            foreach (var entry in Walk(query, health))
            {
                if (health is { } rank && entry.Rank != rank)
                {
                    if (query.Sort == SourceSort.Health && entry.Rank > rank)
                    {
                        break;
                    }

                    continue;
                }

                if ((category is null || entry.CategoryKeys.Contains(category, StringComparer.Ordinal))
                    && (search is null || entry.SearchText.Contains(search, StringComparison.Ordinal)))
                {
                    ids.Add(entry.Id);
                    if (ids.Count == wanted)
                    {
                        break;
                    }
                }
            }
        }

        return ids;
    }

    public StoreTallies Tallies()
    {
        lock (_lock)
        {
            return new StoreTallies(
                Enum.GetValues<HealthStatus>().ToDictionary(status => status, status => _healthCounts[(int)status]),
                _categoryCounts.Where(c => c.Value > 0).Select(c => new CategoryTally(c.Key, c.Value))
                    .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList());
        }
    }

    /// <summary>The order's entries from where the page starts: after the cursor, and not before the health state asked for.</summary>
    private IEnumerable<Entry> Walk(SourceListQuery query, int? health)
    {
        var order = query.Sort == SourceSort.Name ? _byName : _byHealth;
        if (order.Count == 0)
        {
            return [];
        }

        Entry? from = query.After is { } after ? new Entry(after.Id, after.Rank, string.Empty, after.NameKey, string.Empty, [], [], string.Empty) : null;
        if (query.Sort == SourceSort.Health && health is { } rank)
        {
            var first = new Entry(long.MinValue, rank, string.Empty, string.Empty, string.Empty, [], [], string.Empty);
            from = from is null || order.Comparer.Compare(first, from) > 0 ? first : from;
        }

        if (from is null)
        {
            return order;
        }

        if (order.Comparer.Compare(from, order.Max!) >= 0)
        {
            return [];
        }

        // The view starts at the cursor's own position: the source the cursor names (when still there) is skipped.
        var cursor = from;
        return order.GetViewBetween(from, order.Max!).SkipWhile(entry => order.Comparer.Compare(entry, cursor) == 0);
    }

    private void Add(Entry entry, SourceOutline outline)
    {
        _byId[entry.Id] = entry;
        _outlines[entry.Id] = outline;
        _byHealth.Add(entry);
        _byName.Add(entry);
        _healthCounts[entry.Rank]++;
        if (!_byIdentity.TryGetValue(entry.Identity, out var ids))
        {
            _byIdentity[entry.Identity] = ids = [];
        }

        ids.Add(entry.Id);
        foreach (var category in entry.Categories)
        {
            _categoryCounts[category] = _categoryCounts.GetValueOrDefault(category) + 1;
        }
    }

    private void Drop(long id)
    {
        if (!_byId.Remove(id, out var entry))
        {
            return;
        }

        _outlines.Remove(id);
        _kept.Remove(id);
        _byHealth.Remove(entry);
        _byName.Remove(entry);
        _healthCounts[entry.Rank]--;
        var ids = _byIdentity[entry.Identity];
        ids.Remove(id);
        if (ids.Count == 0)
        {
            _byIdentity.Remove(entry.Identity);
        }

        foreach (var category in entry.Categories)
        {
            if (--_categoryCounts[category] == 0)
            {
                _categoryCounts.Remove(category);
            }
        }
    }

    private static int CompareByHealth(Entry? a, Entry? b)
    {
        var byRank = a!.Rank.CompareTo(b!.Rank);
        return byRank != 0 ? byRank : CompareByName(a, b);
    }

    private static int CompareByName(Entry? a, Entry? b)
    {
        var byName = string.CompareOrdinal(a!.NameKey, b!.NameKey);
        return byName != 0 ? byName : a.Id.CompareTo(b.Id);
    }

    private sealed record Entry(long Id, int Rank, string Name, string NameKey, string SearchText, string[] CategoryKeys, IReadOnlyList<string> Categories, string Identity)
    {
        public static Entry Of(Source source) => new(
            source.Id,
            (int)SourceHealthRules.Judge(source).Status,
            source.Name,
            SourceKeys.NameKey(source),
            SourceKeys.SearchText(source),
            SourceKeys.CategoryKeys(source),
            source.Categories.Distinct(StringComparer.Ordinal).ToList(),
            SourceAddress.IdentityOf(source));
    }
}
