using FeedHub.Core.Discovery;
using FeedHub.Core.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Api;

/// <summary>RFC 9457 problems with a detail a curator can act on.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult BadRequest(string title, string detail)
        => TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult NoSuchSource(long id)
        => TypedResults.Problem(title: "No such source", detail: $"There is no source {id}; GET /api/sources lists them.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult AlreadySubscribed(Source existing, string detail)
        => TypedResults.Problem(title: "Already subscribed", detail: detail, statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["existingId"] = existing.Id });

    public static ProblemHttpResult Unprocessable(string title, string detail, DiscoveryResult? discovery = null)
        => TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: discovery is null ? null : new Dictionary<string, object?> { ["tried"] = DiscoveryAttemptDto.Of(discovery) });
}
