using FeedHub.Core.Curation;
using FeedHub.Core.Discovery;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Core.WebSub;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Api;

/// <summary><c>/api/sources</c>: subscriptions with their settings and health; discovery with preview.</summary>
public static class SourcesApi
{
    public static RouteGroupBuilder MapSourcesApi(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("/sources").WithTags("Sources");
        sources.MapGet("/", ListAsync).WithSummary("A page of sources with their health, worst first (or by name); q searches names, addresses and categories; status and category filter; next is the following page's after; searchIndex says what the store's search index is doing");
        sources.MapPost("/", AddAsync).WithSummary("Subscribe by feed address, or by site address through discovery");
        sources.MapPost("/discover", DiscoverAsync).WithSummary("Find the feeds at an address and preview them; nothing is stored");
        sources.MapGet("/{id:long}", GetAsync).WithSummary("One source with its health");
        sources.MapPatch("/{id:long}", UpdateAsync).WithSummary("Change settings; state active|paused pauses or resumes; feedUrl moves the source to a new address, keeping its id and articles");
        sources.MapDelete("/{id:long}", RemoveAsync).WithSummary("Unsubscribe; keepArticles says whether its articles stay in the river");
        sources.MapPost("/{id:long}/refresh", RefreshAsync).WithSummary("Poll the source now");
        return api;
    }

    private static async Task<Results<Ok<SourceListDto>, ProblemHttpResult>> ListAsync(
        [AsParameters] SourceListParameters parameters, IFeedStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (query, problem) = parameters.ToQuery();
        if (query is null)
        {
            return ApiProblems.BadRequest("Bad list parameters", problem!);
        }

        var page = await store.ListSourcesAsync(query, cancellationToken);
        var tallies = await store.GetTalliesAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var pushes = (await store.ListSourcePushesAsync(cancellationToken)).ToDictionary(p => p.SourceId);
        return TypedResults.Ok(new SourceListDto(
            page.Sources.Select(source => SourceDto.Of(source, SourceHealth.Of(source, now)) with { Push = PushHealth.Of(pushes.GetValueOrDefault(source.Id), now) }).ToList(),
            page.Next?.ToString(),
            tallies.ByHealth,
            await store.GetSearchIndexStatusAsync(cancellationToken)));
    }

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> GetAsync(
        long id, IFeedStore store, SourceHealthReport health, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is not { } source)
        {
            return ApiProblems.NoSuchSource(id);
        }

        var push = PushHealth.Of(await store.GetSourcePushAsync(id, cancellationToken), timeProvider.GetUtcNow());
        return TypedResults.Ok(SourceDto.Of(source, await health.OfAsync(source, cancellationToken)) with { Push = push });
    }

    private static async Task<Results<Created<SourceDto>, ProblemHttpResult>> AddAsync(
        CreateSourceRequest request, SourceCatalog catalog, SourceHealthReport health, IFeedStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Url))
        {
            return ApiProblems.BadRequest("Address missing", "Give the feed's or the site's address as \"url\".");
        }

        var result = await catalog.AddAsync(request.Url, request.ToSettings(), cancellationToken);
        switch (result.Status)
        {
            case AddSourceStatus.Added:
                var source = result.Source!;
                return TypedResults.Created($"/api/sources/{source.Id}", SourceDto.Of(source, await health.OfAsync(source, cancellationToken)));
            case AddSourceStatus.AlreadySubscribed:
                return ApiProblems.AlreadySubscribed(result.Source!, result.Error!);
            case AddSourceStatus.ChooseFeed:
                return TypedResults.Problem(
                    title: "Several feeds found",
                    detail: result.Error,
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    extensions: new Dictionary<string, object?> { ["candidates"] = await CandidatesAsync(result.Discovery!, store, cancellationToken) });
            default:
                return ApiProblems.Unprocessable("Source not added", result.Error!, result.Discovery);
        }
    }

    private static async Task<Results<Ok<DiscoverResponse>, ProblemHttpResult>> DiscoverAsync(
        DiscoverRequest request, FeedDiscovery discovery, Core.Fetcher.FeedFetcher fetcher, IFeedStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Url) || !Uri.TryCreate(request.Url.Trim(), UriKind.Absolute, out var url))
        {
            return ApiProblems.BadRequest("Address missing", "Give an absolute http:// or https:// address as \"url\".");
        }

        if (await fetcher.CheckUrlAsync(url, cancellationToken) is { } refused)
        {
            return ApiProblems.Unprocessable("Address refused", refused);
        }

        var result = await discovery.DiscoverAsync(url, cancellationToken);
        if (result.Error is { } error)
        {
            return ApiProblems.Unprocessable("No feed found", error, result);
        }

        return TypedResults.Ok(new DiscoverResponse(result.Url.AbsoluteUri, await CandidatesAsync(result, store, cancellationToken), DiscoveryAttemptDto.Of(result)));
    }

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> UpdateAsync(
        long id, UpdateSourceRequest request, SourceCatalog catalog, SourceHealthReport health, IFeedStore store, CancellationToken cancellationToken)
    {
        if (request.FeedUrl is null)
        {
            return await AnswerAsync(id, await catalog.UpdateAsync(id, request.ToSettings(), cancellationToken), health, cancellationToken);
        }

        var moved = await catalog.MoveAsync(id, request.FeedUrl, request.ToSettings(), cancellationToken);
        return moved.Status switch
        {
            MoveSourceStatus.Moved => TypedResults.Ok(SourceDto.Of(moved.Source!, await health.OfAsync(moved.Source!, cancellationToken))),
            MoveSourceStatus.NotFound => ApiProblems.NoSuchSource(id),
            MoveSourceStatus.AlreadySubscribed => ApiProblems.AlreadySubscribed(moved.Source!, moved.Error!),
            MoveSourceStatus.ChooseFeed => TypedResults.Problem(
                title: "Several feeds found",
                detail: moved.Error,
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["candidates"] = await CandidatesAsync(moved.Discovery!, store, cancellationToken) }),
            _ => ApiProblems.Unprocessable("Source not moved", moved.Error!, moved.Discovery),
        };
    }

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> RefreshAsync(
        long id, SourceCatalog catalog, SourceHealthReport health, CancellationToken cancellationToken)
        => await AnswerAsync(id, await catalog.RefreshAsync(id, cancellationToken), health, cancellationToken);

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(long id, bool? keepArticles, SourceCatalog catalog, CancellationToken cancellationToken)
    {
        if (keepArticles is not { } keep)
        {
            return ApiProblems.BadRequest("Say what happens to the articles",
                "Removing a source asks whether its articles stay in the river: add ?keepArticles=true or ?keepArticles=false.");
        }

        return await catalog.RemoveAsync(id, keep, cancellationToken) ? TypedResults.NoContent() : ApiProblems.NoSuchSource(id);
    }

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> AnswerAsync(
        long id, UpdateSourceResult result, SourceHealthReport health, CancellationToken cancellationToken)
    {
        if (result.Source is not { } source)
        {
            return ApiProblems.NoSuchSource(id);
        }

        if (result.Error is { } error)
        {
            return ApiProblems.Unprocessable("Source not changed", error);
        }

        return TypedResults.Ok(SourceDto.Of(source, await health.OfAsync(source, cancellationToken)));
    }

    internal static async Task<IReadOnlyList<FeedCandidateDto>> CandidatesAsync(DiscoveryResult result, IFeedStore store, CancellationToken cancellationToken)
    {
        var candidates = new List<FeedCandidateDto>();
        foreach (var feed in result.Feeds)
        {
            var subscribed = await store.FindSourceByFeedUrlAsync(feed.FeedUrl.AbsoluteUri, cancellationToken);
            candidates.Add(new FeedCandidateDto(FeedAddress.Shown(feed.FeedUrl).AbsoluteUri, feed.Title, feed.Format, feed.SiteUrl, feed.ItemCount, feed.Via, subscribed?.Id, feed.Items));
        }

        return candidates;
    }
}
