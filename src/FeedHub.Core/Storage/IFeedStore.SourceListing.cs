using FeedHub.Core.Curation;

namespace FeedHub.Core.Storage;

/// <summary>
/// The sources at scale: a page of them, searched, filtered and sorted by what each store keeps indexed beside every
/// source (its health state by <see cref="SourceHealthRules"/>, its name and its categories, in lower case), and the
/// counts kept as they change (sources by health state and by category). Neither reads a single article.
/// </summary>
public partial interface IFeedStore
{
    /// <summary>One page of sources in the query's order, and the cursor of the next page (null on the last).</summary>
    Task<SourceListPage> ListSourcesAsync(SourceListQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Every source as the blogroll and OPML show it, by id: from what the store keeps beside its sources for listing
    /// them, never a source's fetch state.
    /// </summary>
    Task<IReadOnlyList<Model.SourceOutline>> ListSourceOutlinesAsync(CancellationToken cancellationToken);

    /// <summary>How many sources are in each health state and in each category.</summary>
    Task<StoreTallies> GetTalliesAsync(CancellationToken cancellationToken);
}

/// <summary>The order of a list of sources.</summary>
public enum SourceSort
{
    /// <summary>Worst health first (<see cref="HealthStatus"/> order), then by name: what needs a curator comes first.</summary>
    Health,

    /// <summary>By name, then by id.</summary>
    Name,
}

/// <summary>A page of sources: what to look for and where to start.</summary>
public sealed record SourceListQuery
{
    public const int MaxLimit = 200;
    public const int MaxSearchLength = 200;

    /// <summary>Only sources whose name, feed address, site address or a category contains this text (any case).</summary>
    public string? Search { get; init; }

    /// <summary>Only sources in this health state.</summary>
    public HealthStatus? Health { get; init; }

    /// <summary>Only sources in this category (any case).</summary>
    public string? Category { get; init; }

    public SourceSort Sort { get; init; } = SourceSort.Health;

    /// <summary>Only sources after this position of <see cref="Sort"/>'s order (the previous page's <see cref="SourceListPage.Next"/>).</summary>
    public SourceCursor? After { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>The search in the form the stores compare (lower case, trimmed); null when there is none.</summary>
    public string? SearchKey => string.IsNullOrWhiteSpace(Search) ? null : SourceKeys.Lower(Search.Trim()[..Math.Min(Search.Trim().Length, MaxSearchLength)]);

    /// <summary>The category in the form the stores compare; null when there is none.</summary>
    public string? CategoryKey => string.IsNullOrWhiteSpace(Category) ? null : SourceKeys.Lower(Category.Trim());

    public int PageSize => Math.Clamp(Limit, 1, MaxLimit);
}

/// <summary>A page of sources and where the next one starts (null when this is the last).</summary>
public sealed record SourceListPage(IReadOnlyList<Model.Source> Sources, SourceCursor? Next);

/// <summary>
/// A position in a list of sources: the last source's health rank (for <see cref="SourceSort.Health"/>), name key and
/// id. Written as <c>RANK.ID.NAME</c> (the name base64url-encoded) in <c>?after=</c>.
/// </summary>
public readonly record struct SourceCursor(int Rank, string NameKey, long Id)
{
    public static SourceCursor Of(Model.Source source)
        => new((int)SourceHealthRules.Judge(source).Status, SourceKeys.NameKey(source), source.Id);

    public override string ToString()
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Rank}.{Id}.{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(NameKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}");

    public static bool TryParse(string? text, out SourceCursor cursor)
    {
        cursor = default;
        var parts = text?.Split('.') ?? [];
        if (parts.Length != 3
            || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rank)
            || !long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            || parts[2].Length > 1000)
        {
            return false;
        }

        var base64 = parts[2].Replace('-', '+').Replace('_', '/');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='), bytes, out var length))
        {
            return false;
        }

        cursor = new SourceCursor(rank, System.Text.Encoding.UTF8.GetString(bytes, 0, length), id);
        return true;
    }
}

/// <summary>Counts of sources kept by the store as sources change.</summary>
/// <param name="ByHealth">Sources in each health state (every state present, zero or not).</param>
/// <param name="Categories">Each category (as written) with its number of sources, by name.</param>
public sealed record StoreTallies(IReadOnlyDictionary<HealthStatus, int> ByHealth, IReadOnlyList<CategoryTally> Categories)
{
    public int Sources => ByHealth.Values.Sum();
}

/// <summary>A category and how many sources are in it.</summary>
public sealed record CategoryTally(string Name, int Sources);

/// <summary>The keys both stores keep beside each source for listing it: the same text in both, from one place.</summary>
public static class SourceKeys
{
    /// <summary>Longer names are cut for the name index (the full name stays in the source).</summary>
    public const int MaxNameKeyLength = 200;

    /// <summary>The name, in lower case, cut to <see cref="MaxNameKeyLength"/> characters: the order of the name sort.</summary>
    public static string NameKey(Model.Source source)
    {
        var key = Lower(source.Name);
        return key.Length <= MaxNameKeyLength ? key : key[..MaxNameKeyLength];
    }

    /// <summary>What a search looks in: name, feed address, site address and categories, in lower case, one per line.</summary>
    public static string SearchText(Model.Source source)
        => Lower(string.Join('\n', [source.Name, Urls.FeedAddress.Shown(source.FeedUrl), source.SiteUrl ?? string.Empty, .. source.Categories]));

    /// <summary>The categories in the form a category filter compares.</summary>
    public static string[] CategoryKeys(Model.Source source) => source.Categories.Select(Lower).Distinct(StringComparer.Ordinal).ToArray();

    public static string Lower(string text) => text.ToLowerInvariant();
}
