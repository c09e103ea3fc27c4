using FeedHub.Core.Settings;

namespace FeedHub.Hosting;

/// <summary>Top-level settings of a FeedHub process, bound from <c>FeedHub</c>.</summary>
public sealed class FeedHubOptions : ICheckedOptions
{
    public const string Section = "FeedHub";

    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary><c>web</c>, <c>worker</c>, or both (comma-separated).</summary>
    public string Roles { get; set; } = "web,worker";

    /// <summary>The OPML imported on the first start of an empty store; empty for none.</summary>
    public string? StarterSources { get; set; }

    public bool RunsWeb => HasRole("web");

    public bool RunsWorker => HasRole("worker");

    /// <summary>What makes these options unusable, naming the key to fix; null when they are fine.</summary>
    public string? Problem()
        => RoleNames().FirstOrDefault(role => !role.Equals("web", StringComparison.OrdinalIgnoreCase) && !role.Equals("worker", StringComparison.OrdinalIgnoreCase)) is { } unknown
            ? $"{Section}:Roles: '{unknown}' is not a role; use web, worker, or both (web,worker)"
        : !RunsWeb && !RunsWorker ? $"{Section}:Roles names no role; use web, worker, or both (web,worker)"
        : null;

    private bool HasRole(string role) => RoleNames().Contains(role, StringComparer.OrdinalIgnoreCase);

    private string[] RoleNames() => (Roles ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Where FeedHub keeps its data, bound from <c>FeedHub:Storage</c>.</summary>
public sealed class StorageOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Storage";

    /// <summary><c>LiteDb</c> or <c>Postgres</c>; blank (an environment variable set to nothing) is the default.</summary>
    public string Provider { get; set; } = "LiteDb";

    public bool UsesPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || Provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase);

    public LiteDbStorageOptions LiteDb { get; set; } = new();

    /// <summary>
    /// What makes these options unusable, naming the key to fix; null when they are fine. A provider FeedHub does not
    /// know must stop it: taken for the default, an installation meant for PostgreSQL would keep its data in a file.
    /// </summary>
    public string? Problem()
        => !UsesPostgres && !Provider.Equals("LiteDb", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(Provider)
            ? $"{Section}:Provider '{Provider}' is not a store FeedHub knows; use LiteDb (the default, one file) or Postgres"
        : !UsesPostgres && string.IsNullOrWhiteSpace(LiteDb.Path) ? $"{Section}:LiteDb:Path must name the store's file"
        : null;
}

public sealed class LiteDbStorageOptions
{
    public string Path { get; set; } = "data/feedhub.db";
}

/// <summary>How the served site names itself, bound from <c>FeedHub:Site</c>.</summary>
public sealed class SiteOptions
{
    public const string Section = "FeedHub:Site";

    public string Title { get; set; } = "FeedHub";

    public string Description { get; set; } = "Posts from the blogs we follow";

    /// <summary>
    /// The public address (for example <c>https://planet.example.org/</c>): every absolute link and id in pages and
    /// feeds is built from it, never from the request. Unset, links follow the request (see <see cref="KnownProxies"/>).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Addresses of reverse proxies whose <c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c>/<c>X-Forwarded-For</c> are believed.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary><see cref="BaseUrl"/> as an absolute URI ending in a slash, or null when unset.</summary>
    public Uri? BaseUri => string.IsNullOrWhiteSpace(BaseUrl) ? null : new Uri(BaseUrl.Trim().TrimEnd('/') + "/", UriKind.Absolute);
}

/// <summary>How worker nodes share the polling through Quartz's clustered store, bound from <c>FeedHub:Cluster</c>.</summary>
public sealed class ClusterOptions : ICheckedOptions
{
    public const string Section = "FeedHub:Cluster";

    /// <summary>How often a node tells the others it is alive; a node silent for longer than the threshold is taken for dead.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Triggers a node takes at once, of those due before its next look (<see cref="IdleWaitTime"/>) and within
    /// <see cref="FireAhead"/> of the first: one round of Quartz's statements under the cluster's lock, and one more
    /// to fire them, serve them all. Never more than the node's threads, which is what spreads a burst of due polls
    /// over the nodes: a node whose threads are busy takes nothing, and the others take the rest.
    /// </summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>
    /// How much earlier than it is due a poll may fire, taken in the round of one due before it: at a steady pace the
    /// rounds, and so Quartz's statements per poll, are fewer the longer this is. A poll on its slot that fires early
    /// is still given the next slot (the nearest to an interval from then, half an interval either way), so this is
    /// kept well under the shortest interval a source can have.
    /// </summary>
    public TimeSpan FireAhead { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle node sleeps before looking for due polls again: nodes are not told of the triggers
    /// another node schedules, so this bounds how soon they join in.</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// What makes these options unusable, naming the key to fix; null when they are fine. Read while the scheduler is
    /// chosen: Quartz refuses most of these too, but in its own words ("CheckinInterval must be positive"), which name
    /// neither the section nor that the value came from FeedHub's settings.
    /// </summary>
    public string? Problem()
        => CheckinInterval <= TimeSpan.Zero ? $"{Section}:CheckinInterval must be positive (for example 00:00:01)"
        : CheckinMisfireThreshold <= TimeSpan.Zero ? $"{Section}:CheckinMisfireThreshold must be positive (for example 00:00:05)"
        : FireAhead < TimeSpan.Zero ? $"{Section}:FireAhead must not be negative"
        : IdleWaitTime < TimeSpan.FromSeconds(1) ? $"{Section}:IdleWaitTime must be at least 1 second (Quartz's floor)"
        : null;
}
