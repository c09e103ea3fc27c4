using System.Globalization;
using FeedHub.Core.Curation;
using FeedHub.Core.Discovery;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;

namespace FeedHub.Web.Admin;

/// <summary>The curator's source pages: the list with health, one source with its timeline and settings, add with preview.</summary>
public static class SourcePages
{
    public static RouteGroupBuilder MapSourcePages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/", () => TypedResults.LocalRedirect("/admin/sources"));
        admin.MapGet("/sources", ListAsync);
        admin.MapGet("/sources/{id:long}", ShowAsync);
        admin.MapPost("/sources/{id:long}", EditAsync);
        admin.MapPost("/sources/{id:long}/state", ChangeStateAsync);
        admin.MapPost("/sources/{id:long}/refresh", RefreshAsync);
        admin.MapPost("/sources/{id:long}/remove", RemoveAsync);
        admin.MapGet("/add", AddFormAsync);
        admin.MapPost("/add", AddAsync);
        return admin;
    }

    private static async Task<IResult> ListAsync(HttpContext context, SourceHealthReport health, string? sort, string? message, CancellationToken cancellationToken)
    {
        var all = await health.ListAsync(cancellationToken);
        var rows = sort switch
        {
            "name" => all.OrderBy(p => p.Source.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            "success" => all.OrderBy(p => p.Health.LastSuccessAt ?? DateTimeOffset.MinValue).ToList(),
            _ => all.ToList(),
        };
        var counts = all.GroupBy(p => p.Health.Status).OrderBy(g => g.Key)
            .Select(g => Markup.Of($"""<li class="status-{Label(g.Key)}">{g.Count()} {Label(g.Key)}</li>"""));
        var body = rows.Count == 0
            ? Markup.Of($"""<p class="empty">No sources yet. <a href="/admin/add">Add one by its address</a> or <a href="/admin/opml">import an OPML list</a>.</p>""")
            : Markup.Of($"""
                <table class="sources">
                <thead><tr><th scope="col">State</th><th scope="col">Source</th><th scope="col">Last success</th><th scope="col">Next poll</th><th scope="col">Items / week</th></tr></thead>
                <tbody>{rows.Select(Row)}</tbody>
                </table>
                """);
        return AdminLayout.Page(context, "Sources", Markup.Of($"""
            <h1>Sources</h1>
            {AdminLayout.Notice(message)}
            <ul class="counts" aria-label="Sources by state">{counts}</ul>
            <p class="meta">Sort by <a href="/admin/sources"{Current(sort is null or "state")}>state</a> <a href="/admin/sources?sort=name"{Current(sort == "name")}>name</a> <a href="/admin/sources?sort=success"{Current(sort == "success")}>last success</a></p>
            {body}
            """));
    }

    private static Markup Row((Source Source, SourceHealth Health) row)
    {
        var (source, health) = row;
        return Markup.Of($"""
            <tr class="status-{Label(health.Status)}" data-source="{source.Id}">
            <td><span class="badge status-{Label(health.Status)}">{Label(health.Status)}</span></td>
            <td><a href="/admin/sources/{source.Id}">{source.Name}</a><br><span class="meta">{health.Summary}</span></td>
            <td>{AdminLayout.When(health.LastSuccessAt)}</td>
            <td>{AdminLayout.When(health.NextPollAt)}</td>
            <td>{health.ItemsPerWeek}</td>
            </tr>
            """);
    }

    private static async Task<IResult> ShowAsync(HttpContext context, long id, IFeedStore store, SourceHealthReport health, string? message, CancellationToken cancellationToken)
        => await store.GetSourceAsync(id, cancellationToken) is { } source
            ? Show(context, source, await health.OfAsync(source, cancellationToken), message, null)
            : NotFound(context, id);

    private static IResult Show(HttpContext context, Source source, SourceHealth health, string? message, string? error)
    {
        var token = AdminLayout.Antiforgery(context);
        var pauseOrResume = source.State == SourceState.Active
            ? Markup.Of($"""<form class="inline" method="post" action="/admin/sources/{source.Id}/state">{token}<input type="hidden" name="state" value="paused"><button type="submit">Pause</button></form>""")
            : source.State == SourceState.Paused
                ? Markup.Of($"""<form class="inline" method="post" action="/admin/sources/{source.Id}/state">{token}<input type="hidden" name="state" value="active"><button type="submit">Resume</button></form>""")
                : Markup.Empty;
        var refresh = source.State == SourceState.Active
            ? Markup.Of($"""<form class="inline" method="post" action="/admin/sources/{source.Id}/refresh">{token}<button type="submit">Refresh now</button></form>""")
            : Markup.Empty;
        return AdminLayout.Page(context, source.Name, Markup.Of($"""
            <h1>{source.Name}</h1>
            {AdminLayout.Notice(message)}{AdminLayout.Notice(error, "error")}
            <p><span class="badge status-{Label(health.Status)}">{Label(health.Status)}</span> <span class="health-summary">{health.Summary}</span></p>
            <p class="meta"><a href="{source.FeedUrl}" rel="noopener noreferrer">{source.FeedUrl}</a>{(source.SiteUrl is { } site ? Markup.Of($"""<a href="{site}" rel="noopener noreferrer">site</a>""") : Markup.Empty)}<a href="/?source={source.Id}">articles</a></p>
            <div class="actions">{pauseOrResume}{refresh}</div>
            <h2>Health</h2>
            {Figures(health)}
            <h2>Timeline</h2>
            {Timeline(source, health)}
            <h2>Settings</h2>
            {SettingsForm(source, token)}
            <h2>Remove</h2>
            <form method="post" action="/admin/sources/{source.Id}/remove" class="stacked">
            {token}
            <fieldset><legend>What happens to its articles?</legend>
            <label><input type="radio" name="keepArticles" value="true" required> Keep them in the reading list</label>
            <label><input type="radio" name="keepArticles" value="false"> Delete them too</label>
            </fieldset>
            <button type="submit" class="danger">Remove this source</button>
            </form>
            """), error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private static Markup Figures(SourceHealth health)
    {
        var ratio = health.NotModifiedRatio is { } r ? $"{r * 100:0.#}%" : "no answers yet";
        var extraction = health.ExtractionSuccessRate is { } e ? $"{e * 100:0.#}%" : "no extraction tried";
        var quiet = health.DaysWithoutNewPost is { } days ? $"{days} days ago ({health.LatestPostAt:yyyy-MM-dd})" : "no post yet";
        return Markup.Of($"""
            <dl class="figures">
            <dt>Last success</dt><dd>{AdminLayout.When(health.LastSuccessAt)}</dd>
            <dt>Last error</dt><dd>{(health.LastError is { } error ? Markup.Of($"{error} ({AdminLayout.When(health.LastErrorAt)})") : Markup.Of($"none"))}</dd>
            <dt>Consecutive failures</dt><dd>{health.ConsecutiveFailures}</dd>
            <dt>Next poll</dt><dd>{AdminLayout.When(health.NextPollAt)}</dd>
            <dt>Polls</dt><dd>{health.PollCount} ({health.ErrorCount} failed)</dd>
            <dt>304 Not Modified</dt><dd>{ratio}; {FormatBytes(health.BytesSaved)} saved, {FormatBytes(health.BytesReceived)} downloaded</dd>
            <dt>Items per week</dt><dd>{health.ItemsPerWeek} (last 28 days)</dd>
            <dt>Newest post</dt><dd>{quiet}</dd>
            <dt>Extraction success</dt><dd>{extraction}</dd>
            <dt>Permanent redirect</dt><dd>{(health.MovedFrom is { } from ? Markup.Of($"moved from {from} on {AdminLayout.When(health.MovedAt)}") : Markup.Of($"none recorded"))}</dd>
            <dt>Parser warning</dt><dd>{health.ParseWarning ?? "none"}</dd>
            </dl>
            """);
    }

    private static Markup Timeline(Source source, SourceHealth health)
    {
        var events = new List<(DateTimeOffset At, string What)> { (source.CreatedAt, "subscribed") };
        if (health.LastSuccessAt is { } success)
        {
            events.Add((success, "last successful poll"));
        }

        if (health.LastErrorAt is { } failed)
        {
            events.Add((failed, source.State == SourceState.Retired ? $"retired: {health.LastError}" : $"last failed poll: {health.LastError}"));
        }

        if (health.MovedAt is { } moved)
        {
            events.Add((moved, $"moved from {health.MovedFrom} after repeated permanent redirects"));
        }

        if (health.LatestPostAt is { } post)
        {
            events.Add((post, "newest post"));
        }

        if (health.NextPollAt is { } next)
        {
            events.Add((next, "next poll"));
        }

        return Markup.Of($"""<ol class="timeline">{events.OrderByDescending(e => e.At).Select(e => Markup.Of($"<li>{AdminLayout.When(e.At)}: {e.What}</li>"))}</ol>""");
    }

    private static Markup SettingsForm(Source source, Markup token)
    {
        var modes = Enum.GetValues<ExtractionMode>().Select(m => Markup.Of($"""<option value="{m}"{(m == source.Extraction ? Markup.Of($" selected") : Markup.Empty)}>{m}</option>"""));
        return Markup.Of($"""
            <form method="post" action="/admin/sources/{source.Id}" class="stacked">
            {token}
            <label>Display name <input name="displayName" value="{source.DisplayName ?? string.Empty}" placeholder="{source.Title ?? string.Empty}"></label>
            <label>Categories (comma-separated) <input name="categories" value="{string.Join(", ", source.Categories)}"></label>
            <label>Extraction <select name="extraction">{modes}</select></label>
            <label>Extraction CSS selector <input name="extractionSelector" value="{source.ExtractionSelector ?? string.Empty}" placeholder="article .post-content"></label>
            <label>Minimum poll interval (minutes, empty for the default) <input name="minIntervalMinutes" inputmode="numeric" value="{Minutes(source.MinInterval)}"></label>
            <label>Maximum poll interval (minutes, empty for the default) <input name="maxIntervalMinutes" inputmode="numeric" value="{Minutes(source.MaxInterval)}"></label>
            <button type="submit">Save settings</button>
            </form>
            """);
    }

    private static async Task<IResult> EditAsync(HttpContext context, long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, CancellationToken cancellationToken)
    {
        if (!TryReadSettings(form, out var settings, out var problem))
        {
            return await RedisplayAsync(context, id, health, problem, cancellationToken);
        }

        var result = await catalog.UpdateAsync(id, settings, cancellationToken);
        return await AfterChangeAsync(context, id, result, "Settings saved.", health, cancellationToken);
    }

    private static async Task<IResult> ChangeStateAsync(HttpContext context, long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, CancellationToken cancellationToken)
    {
        var state = form["state"].ToString() == "paused" ? SourceState.Paused : SourceState.Active;
        var result = await catalog.UpdateAsync(id, new SourceSettings { State = state }, cancellationToken);
        return await AfterChangeAsync(context, id, result, state == SourceState.Paused ? "Paused: no more polls until you resume it." : "Resumed: polled now.", health, cancellationToken);
    }

    private static async Task<IResult> RefreshAsync(HttpContext context, long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, CancellationToken cancellationToken)
    {
        return await AfterChangeAsync(context, id, await catalog.RefreshAsync(id, cancellationToken), "Polling now; reload in a moment to see the result.", health, cancellationToken);
    }

    private static async Task<IResult> RemoveAsync(HttpContext context, long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, CancellationToken cancellationToken)
    {
        if (!bool.TryParse(form["keepArticles"], out var keepArticles))
        {
            return await RedisplayAsync(context, id, health, "Say whether to keep the source's articles before removing it.", cancellationToken);
        }

        return await catalog.RemoveAsync(id, keepArticles, cancellationToken)
            ? TypedResults.LocalRedirect($"/admin/sources?message={Uri.EscapeDataString(keepArticles ? $"Source {id} removed; its articles stay." : $"Source {id} and its articles removed.")}")
            : NotFound(context, id);
    }

    private static async Task<IResult> AfterChangeAsync(HttpContext context, long id, UpdateSourceResult result, string done, SourceHealthReport health, CancellationToken cancellationToken)
    {
        if (result.Source is not { } source)
        {
            return NotFound(context, id);
        }

        return result.Error is { } error
            ? Show(context, source, await health.OfAsync(source, cancellationToken), null, error)
            : TypedResults.LocalRedirect($"/admin/sources/{id}?message={Uri.EscapeDataString(done)}");
    }

    private static async Task<IResult> RedisplayAsync(HttpContext context, long id, SourceHealthReport health, string error, CancellationToken cancellationToken)
    {
        var store = context.RequestServices.GetRequiredService<IFeedStore>();
        return await store.GetSourceAsync(id, cancellationToken) is { } source
            ? Show(context, source, await health.OfAsync(source, cancellationToken), null, error)
            : NotFound(context, id);
    }

    private static async Task<IResult> AddFormAsync(HttpContext context, string? url, FeedDiscovery discovery, FeedFetcher fetcher, IFeedStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return AddPage(context, null, null, null);
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address))
        {
            return AddPage(context, url, null, $"'{url}' is not an absolute address; give it with http:// or https://");
        }

        if (await fetcher.CheckUrlAsync(address, cancellationToken) is { } refused)
        {
            return AddPage(context, url, null, refused);
        }

        var found = await discovery.DiscoverAsync(address, cancellationToken);
        var subscribed = new Dictionary<string, long>();
        foreach (var feed in found.Feeds)
        {
            if (await store.FindSourceByFeedUrlAsync(feed.FeedUrl.AbsoluteUri, cancellationToken) is { } existing)
            {
                subscribed[feed.FeedUrl.AbsoluteUri] = existing.Id;
            }
        }

        return AddPage(context, url, (found, subscribed), found.Error);
    }

    private static IResult AddPage(HttpContext context, string? url, (DiscoveryResult Result, Dictionary<string, long> Subscribed)? preview, string? error)
    {
        var candidates = preview is { Result.Feeds.Count: > 0 } shown ? Candidates(context, shown.Result, shown.Subscribed) : Markup.Empty;
        var tried = preview is { Result.Feeds.Count: 0 } failed
            ? Markup.Of($"""<details open><summary>What was tried</summary><ul class="tried">{failed.Result.Tried.Select(t => Markup.Of($"<li><code>{t.Url.AbsoluteUri}</code>: {t.Outcome}</li>"))}</ul></details>""")
            : Markup.Empty;
        return AdminLayout.Page(context, "Add a source", Markup.Of($"""
            <h1>Add a source</h1>
            <form method="get" action="/admin/add" class="stacked">
            <label>Address of the blog, an article, or the feed <input name="url" type="url" value="{url ?? string.Empty}" required placeholder="https://blog.example/"></label>
            <button type="submit">Find feeds</button>
            </form>
            {AdminLayout.Notice(error, "error")}{tried}
            {candidates}
            """), error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private static Markup Candidates(HttpContext context, DiscoveryResult result, Dictionary<string, long> subscribed)
    {
        var options = result.Feeds.Select((feed, index) =>
        {
            var address = feed.FeedUrl.AbsoluteUri;
            var items = feed.Items.Select(i => Markup.Of($"<li>{i.Title ?? i.Link ?? "(untitled)"} <span class=\"meta\">{(i.Published is { } p ? p.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty)}</span></li>"));
            var pick = subscribed.TryGetValue(address, out var existingId)
                ? Markup.Of($"""<p>Already subscribed as <a href="/admin/sources/{existingId}">source {existingId}</a>.</p>""")
                : Markup.Of($"""<label><input type="radio" name="url" value="{address}"{(index == 0 ? Markup.Of($" checked") : Markup.Empty)} required> Subscribe to this feed</label>""");
            return Markup.Of($"""
                <li class="candidate">
                <h3>{feed.Title ?? address}</h3>
                <p class="meta"><code>{address}</code><span>{feed.Format}</span><span>{feed.ItemCount} items</span><span>found by {feed.Via}</span></p>
                <ul class="preview">{items}</ul>
                {pick}
                </li>
                """);
        });
        var settings = Markup.Of($"""
            <label>Display name (optional) <input name="displayName"></label>
            <label>Categories (comma-separated) <input name="categories"></label>
            """);
        return Markup.Of($"""
            <h2>{result.Feeds.Count} feed{(result.Feeds.Count == 1 ? string.Empty : "s")} found</h2>
            <form method="post" action="/admin/add" class="stacked">
            {AdminLayout.Antiforgery(context)}
            <ol class="candidates">{options}</ol>
            {settings}
            <button type="submit">Subscribe</button>
            </form>
            """);
    }

    private static async Task<IResult> AddAsync(HttpContext context, IFormCollection form, SourceCatalog catalog, IFeedStore store, CancellationToken cancellationToken)
    {
        var url = form["url"].ToString();
        if (string.IsNullOrWhiteSpace(url))
        {
            return AddPage(context, null, null, "Pick one of the feeds found, or give an address.");
        }

        var settings = new SourceSettings { Categories = SplitCategories(form["categories"]), DisplayName = form["displayName"] };
        var result = await catalog.AddAsync(url, settings, cancellationToken);
        switch (result.Status)
        {
            case AddSourceStatus.Added:
                await catalog.RefreshAsync(result.Source!.Id, cancellationToken);
                return TypedResults.LocalRedirect($"/admin/sources/{result.Source.Id}?message={Uri.EscapeDataString("Subscribed; the first poll is under way.")}");
            case AddSourceStatus.AlreadySubscribed:
                return TypedResults.LocalRedirect($"/admin/sources/{result.Source!.Id}?message={Uri.EscapeDataString(result.Error!)}");
            case AddSourceStatus.ChooseFeed:
                var subscribed = new Dictionary<string, long>();
                foreach (var feed in result.Discovery!.Feeds)
                {
                    if (await store.FindSourceByFeedUrlAsync(feed.FeedUrl.AbsoluteUri, cancellationToken) is { } existing)
                    {
                        subscribed[feed.FeedUrl.AbsoluteUri] = existing.Id;
                    }
                }

                return AddPage(context, url, (result.Discovery, subscribed), null);
            default:
                return AddPage(context, url, result.Discovery is { } discovery ? (discovery, []) : null, result.Error);
        }
    }

    private static bool TryReadSettings(IFormCollection form, out SourceSettings settings, out string problem)
    {
        settings = SourceSettings.None;
        problem = string.Empty;
        if (!TryMinutes(form["minIntervalMinutes"], out var min) || !TryMinutes(form["maxIntervalMinutes"], out var max))
        {
            problem = "Poll intervals are whole numbers of minutes (leave them empty for the defaults).";
            return false;
        }

        settings = new SourceSettings
        {
            DisplayName = form["displayName"].ToString(),
            Categories = SplitCategories(form["categories"]),
            Extraction = Enum.TryParse<ExtractionMode>(form["extraction"], out var mode) ? mode : null,
            ExtractionSelector = form["extractionSelector"].ToString(),
            MinInterval = min,
            MaxInterval = max,
        };
        return true;
    }

    /// <summary>An empty field means "the default", which is a zero interval to <see cref="SourceSettings"/>.</summary>
    private static bool TryMinutes(string? text, out TimeSpan minutes)
    {
        minutes = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        minutes = TimeSpan.FromMinutes(value);
        return true;
    }

    private static List<string> SplitCategories(string? text) => SourceSettings.Clean((text ?? string.Empty).Split(','));

    private static IResult NotFound(HttpContext context, long id)
        => AdminLayout.Page(context, "No such source", Markup.Of($"""<h1>No such source</h1><p>There is no source {id}. <a href="/admin/sources">All sources</a></p>"""), StatusCodes.Status404NotFound);

    private static string Minutes(TimeSpan? interval) => interval is { } value ? ((int)value.TotalMinutes).ToString(CultureInfo.InvariantCulture) : string.Empty;

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MB",
        >= 1024 => $"{bytes / 1024.0:0.0} KB",
        _ => $"{bytes} bytes",
    };

    internal static string Label(HealthStatus status) => status.ToString().ToLowerInvariant();

    private static Markup Current(bool current) => current ? Markup.Of($" aria-current=\"page\"") : Markup.Empty;
}
