using FeedHub.Core.Curation;
using FeedHub.Core.Storage;
using Microsoft.AspNetCore.Mvc;

namespace FeedHub.Api;

/// <summary>
/// The query string of a list of sources, the same for <c>GET /api/sources</c> and <c>/admin/sources</c>:
/// <c>q</c> (search in names, addresses and categories), <c>status</c> (a health state), <c>category</c>,
/// <c>sort</c> (<c>health</c>, the default, or <c>name</c>), <c>after</c> (the previous page's <c>next</c>) and
/// <c>limit</c> (1 to 200).
/// </summary>
public sealed record SourceListParameters
{
    public const int DefaultLimit = 50;

    [FromQuery(Name = "q")]
    public string? Search { get; init; }

    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [FromQuery(Name = "category")]
    public string? Category { get; init; }

    [FromQuery(Name = "sort")]
    public string? Sort { get; init; }

    [FromQuery(Name = "after")]
    public string? After { get; init; }

    [FromQuery(Name = "limit")]
    public int? Limit { get; init; }

    /// <summary>The store's query, or what is wrong with the parameters, in words.</summary>
    public (SourceListQuery? Query, string? Problem) ToQuery()
    {
        HealthStatus? health = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (!Enum.TryParse<HealthStatus>(Status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(Status[0]))
            {
                return (null, $"status '{Status}' is not a health state; use one of {string.Join(", ", Enum.GetValues<HealthStatus>().Select(Label))}");
            }

            health = parsed;
        }

        SourceSort sort;
        switch (Sort?.ToLowerInvariant())
        {
            case null or "" or "health":
                sort = SourceSort.Health;
                break;
            case "name":
                sort = SourceSort.Name;
                break;
            default:
                return (null, $"sort '{Sort}' is not known; use health (worst first, the default) or name");
        }

        SourceCursor? after = null;
        if (!string.IsNullOrEmpty(After))
        {
            if (!SourceCursor.TryParse(After, out var cursor))
            {
                return (null, "after is not a position this list gave; use the 'next' of the previous page");
            }

            after = cursor;
        }

        if (Limit is < 1 or > SourceListQuery.MaxLimit)
        {
            return (null, $"limit is between 1 and {SourceListQuery.MaxLimit}");
        }

        if (Search?.Length > SourceListQuery.MaxSearchLength)
        {
            return (null, $"a search has at most {SourceListQuery.MaxSearchLength} characters");
        }

        return (new SourceListQuery
        {
            Search = Search,
            Health = health,
            Category = Category,
            Sort = sort,
            After = after,
            Limit = Limit ?? DefaultLimit,
        }, null);
    }

    /// <summary>The query string of the same list from another position (null for the first page).</summary>
    public string QueryString(string? after)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("q", Search);
        Add("status", Status);
        Add("category", Category);
        Add("sort", Sort);
        Add("limit", Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("after", after);
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    public static string Label(HealthStatus status) => status.ToString().ToLowerInvariant();
}
