using System.Globalization;
using FeedHub.Api;
using FeedHub.Core.Curation;
using FeedHub.Core.Discovery;
using FeedHub.Core.Fetcher;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Web.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace FeedHub.Web.Admin;

/// <summary>The curator's source pages: the list with health, one source with its timeline and settings, add with preview.</summary>
public static class SourceEndpoints
{
    public static RouteGroupBuilder MapSourceEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/", () => TypedResults.LocalRedirect("/admin/sources"));
        admin.MapGet("/sources", ListAsync);
        admin.MapPost("/sources/bulk", BulkAsync);
        admin.MapGet("/sources/{id:long}", ShowAsync);
        admin.MapPost("/sources/{id:long}", EditAsync);
        admin.MapPost("/sources/{id:long}/state", ChangeStateAsync);
        admin.MapPost("/sources/{id:long}/refresh", RefreshAsync);
        admin.MapPost("/sources/{id:long}/remove", RemoveAsync);
        admin.MapPost("/sources/{id:long}/move", MoveAsync);
        admin.MapGet("/add", AddFormAsync);
        admin.MapPost("/add", AddAsync);
        return admin;
    }

    private static async Task<IResult> ListAsync(
        [AsParameters] SourceListParameters parameters, string? message, IFeedStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (query, problem) = parameters.ToQuery();
        var page = query is null ? new SourceListPage([], null) : await store.ListSourcesAsync(query, cancellationToken);
        var now = timeProvider.GetUtcNow();
        return AdminPages.Page<SourcesPage>(new()
        {
            [nameof(SourcesPage.Rows)] = page.Sources.Select(source => (source, SourceHealth.Of(source, now))).ToList(),
            [nameof(SourcesPage.Tallies)] = await store.GetTalliesAsync(cancellationToken),
            [nameof(SourcesPage.SearchIndex)] = await store.GetSearchIndexStatusAsync(cancellationToken),
            [nameof(SourcesPage.Parameters)] = parameters,
            [nameof(SourcesPage.Next)] = page.Next?.ToString(),
            [nameof(SourcesPage.Message)] = message,
            [nameof(SourcesPage.Error)] = problem,
        }, problem is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>One change to the sources selected on the list, then back to the same page of the list with what was done.</summary>
    private static async Task<IResult> BulkAsync(IFormCollection form, SourceCatalog catalog, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var ids = form["id"].Select(id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0).Where(id => id > 0).ToList();
        BulkAction? action = form["action"].ToString() switch
        {
            "pause" => BulkAction.Pause,
            "resume" => BulkAction.Resume,
            "categorise" => BulkAction.AddCategory,
            "uncategorise" => BulkAction.RemoveCategory,
            "remove" => BulkAction.Remove,
            _ => null,
        };
        var list = form["list"].ToString();
        var back = "/admin/sources" + (list.StartsWith('?') ? list + "&" : "?");
        if (action is not { } chosen)
        {
            return TypedResults.LocalRedirect(back + "message=" + Uri.EscapeDataString(strings["Choose what to do with the selected sources."]));
        }

        var result = await catalog.ApplyAsync(ids, new BulkChange(chosen, form["category"], form["keepArticles"] == "true"), cancellationToken);
        var done = chosen switch
        {
            BulkAction.Pause => strings.Count(result.Changed, "{0:N0} source paused.", "{0:N0} sources paused."),
            BulkAction.Resume => strings.Count(result.Changed, "{0:N0} source resumed.", "{0:N0} sources resumed."),
            BulkAction.AddCategory or BulkAction.RemoveCategory => strings.Count(result.Changed, "{0:N0} source recategorised.", "{0:N0} sources recategorised."),
            _ => strings.Count(result.Changed, "{0:N0} source removed.", "{0:N0} sources removed."),
        };
        var message = result.Problems.Count == 0 ? done : $"{done} {string.Join("; ", result.Problems)}";
        return TypedResults.LocalRedirect(back + "message=" + Uri.EscapeDataString(message));
    }

    private static async Task<IResult> ShowAsync(long id, IFeedStore store, SourceHealthReport health, string? message, CancellationToken cancellationToken)
        => await store.GetSourceAsync(id, cancellationToken) is { } source
            ? Show(source, await health.OfAsync(source, cancellationToken), message, null)
            : AdminPages.SourceNotFound(id);

    private static RazorComponentResult<SourcePage> Show(Source source, SourceHealth health, string? message, string? error)
        => AdminPages.Page<SourcePage>(new()
        {
            [nameof(SourcePage.Source)] = source,
            [nameof(SourcePage.Health)] = health,
            [nameof(SourcePage.Message)] = message,
            [nameof(SourcePage.Error)] = error,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> EditAsync(
        HttpContext context, long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        if (!TryReadSettings(form, out var settings))
        {
            return await RedisplayAsync(context, id, health, strings["Poll intervals are whole numbers of minutes (leave them empty for the defaults)."], cancellationToken);
        }

        var result = await catalog.UpdateAsync(id, settings, cancellationToken);
        return await AfterChangeAsync(id, result, strings["Settings saved."], health, cancellationToken);
    }

    private static async Task<IResult> ChangeStateAsync(
        long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var state = form["state"].ToString() == "paused" ? SourceState.Paused : SourceState.Active;
        var result = await catalog.UpdateAsync(id, new SourceSettings { State = state }, cancellationToken);
        var done = state == SourceState.Paused ? strings["Paused: no more polls until you resume it."] : strings["Resumed: polled now."];
        return await AfterChangeAsync(id, result, done, health, cancellationToken);
    }

    private static async Task<IResult> RefreshAsync(
        long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
        => await AfterChangeAsync(id, await catalog.RefreshAsync(id, cancellationToken), strings["Polling now; reload in a moment to see the result."], health, cancellationToken);

    private static async Task<IResult> RemoveAsync(
        HttpContext context, long id, IFormCollection form, SourceCatalog catalog, SourceHealthReport health, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        if (!bool.TryParse(form["keepArticles"], out var keepArticles))
        {
            return await RedisplayAsync(context, id, health, strings["Say whether to keep the source's articles before removing it."], cancellationToken);
        }

        var done = keepArticles ? strings["Source {0} removed; its articles stay.", id] : strings["Source {0} and its articles removed.", id];
        return await catalog.RemoveAsync(id, keepArticles, cancellationToken)
            ? TypedResults.LocalRedirect($"/admin/sources?message={Uri.EscapeDataString(done)}")
            : AdminPages.SourceNotFound(id);
    }

    /// <summary>Moves the source to a new address with the add flow's checks and messages; several feeds there: the curator picks one.</summary>
    private static async Task<IResult> MoveAsync(
        long id, IFormCollection form, SourceCatalog catalog, IFeedStore store, SourceHealthReport health, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var url = form["url"].ToString();
        var moved = await catalog.MoveAsync(id, url, SourceSettings.None, cancellationToken);
        switch (moved.Status)
        {
            case MoveSourceStatus.NotFound:
                return AdminPages.SourceNotFound(id);
            case MoveSourceStatus.Moved:
                var done = strings["Moved to {0}; its articles stay, and it is polled at its new address now.", FeedAddress.Shown(moved.Source!.FeedUrl)];
                return TypedResults.LocalRedirect($"/admin/sources/{id}?message={Uri.EscapeDataString(done)}");
        }

        // Refused, several feeds, or another source at that address: the source as it is, with why and what was found.
        var source = moved.Status == MoveSourceStatus.AlreadySubscribed ? await store.GetSourceAsync(id, cancellationToken) : moved.Source;
        if (source is null)
        {
            return AdminPages.SourceNotFound(id);
        }

        return AdminPages.Page<SourcePage>(new()
        {
            [nameof(SourcePage.Source)] = source,
            [nameof(SourcePage.Health)] = await health.OfAsync(source, cancellationToken),
            [nameof(SourcePage.Error)] = moved.Error,
            [nameof(SourcePage.MoveUrl)] = url,
            [nameof(SourcePage.MoveFound)] = moved.Discovery,
        }, moved.Status == MoveSourceStatus.AlreadySubscribed ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<IResult> AfterChangeAsync(long id, UpdateSourceResult result, string done, SourceHealthReport health, CancellationToken cancellationToken)
    {
        if (result.Source is not { } source)
        {
            return AdminPages.SourceNotFound(id);
        }

        return result.Error is { } error
            ? Show(source, await health.OfAsync(source, cancellationToken), null, error)
            : TypedResults.LocalRedirect($"/admin/sources/{id}?message={Uri.EscapeDataString(done)}");
    }

    private static async Task<IResult> RedisplayAsync(HttpContext context, long id, SourceHealthReport health, string error, CancellationToken cancellationToken)
    {
        var store = context.RequestServices.GetRequiredService<IFeedStore>();
        return await store.GetSourceAsync(id, cancellationToken) is { } source
            ? Show(source, await health.OfAsync(source, cancellationToken), null, error)
            : AdminPages.SourceNotFound(id);
    }

    private static async Task<IResult> AddFormAsync(
        string? url, FeedDiscovery discovery, FeedFetcher fetcher, IFeedStore store, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return AddPage(null, null, [], null);
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var address))
        {
            return AddPage(url, null, [], strings["'{0}' is not an absolute address; give it with http:// or https://", url]);
        }

        if (await fetcher.CheckUrlAsync(address, cancellationToken) is { } refused)
        {
            return AddPage(url, null, [], refused);
        }

        var found = await discovery.DiscoverAsync(address, cancellationToken);
        return AddPage(url, found, await SubscribedAsync(store, found, cancellationToken), found.Error);
    }

    private static async Task<IResult> AddAsync(
        IFormCollection form, SourceCatalog catalog, IFeedStore store, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var url = form["url"].ToString();
        if (string.IsNullOrWhiteSpace(url))
        {
            return AddPage(null, null, [], strings["Pick one of the feeds found, or give an address."]);
        }

        var settings = new SourceSettings { Categories = SplitCategories(form["categories"]), DisplayName = form["displayName"] };
        var result = await catalog.AddAsync(url, settings, cancellationToken);
        switch (result.Status)
        {
            case AddSourceStatus.Added:
                await catalog.RefreshAsync(result.Source!.Id, cancellationToken);
                return TypedResults.LocalRedirect($"/admin/sources/{result.Source.Id}?message={Uri.EscapeDataString(strings["Subscribed; the first poll is under way."])}");
            case AddSourceStatus.AlreadySubscribed:
                return TypedResults.LocalRedirect($"/admin/sources/{result.Source!.Id}?message={Uri.EscapeDataString(result.Error!)}");
            case AddSourceStatus.ChooseFeed:
                return AddPage(url, result.Discovery, await SubscribedAsync(store, result.Discovery!, cancellationToken), null);
            default:
                return AddPage(url, result.Discovery, [], result.Error);
        }
    }

    private static RazorComponentResult<AddSourcePage> AddPage(string? url, DiscoveryResult? found, Dictionary<string, long> subscribed, string? error)
        => AdminPages.Page<AddSourcePage>(new()
        {
            [nameof(AddSourcePage.Url)] = url,
            [nameof(AddSourcePage.Found)] = found,
            [nameof(AddSourcePage.Subscribed)] = subscribed,
            [nameof(AddSourcePage.Error)] = error,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);

    /// <summary>The feeds found that are already sources, by address.</summary>
    private static async Task<Dictionary<string, long>> SubscribedAsync(IFeedStore store, DiscoveryResult found, CancellationToken cancellationToken)
    {
        var subscribed = new Dictionary<string, long>();
        foreach (var feed in found.Feeds)
        {
            if (await store.FindSourceByFeedUrlAsync(feed.FeedUrl.AbsoluteUri, cancellationToken) is { } existing)
            {
                subscribed[feed.FeedUrl.AbsoluteUri] = existing.Id;
            }
        }

        return subscribed;
    }

    private static bool TryReadSettings(IFormCollection form, out SourceSettings settings)
    {
        settings = SourceSettings.None;
        if (!TryMinutes(form["minIntervalMinutes"], out var min) || !TryMinutes(form["maxIntervalMinutes"], out var max))
        {
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
}
