using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Curators;

/// <summary>
/// <c>POST /admin/setup</c> (JSON): creates the first curator with the one-time set-up token the server printed on
/// start. A JSON body needs a JSON content type, which a cross-site form cannot send, so no antiforgery token is
/// needed here; the set-up page (HTML) posts the same through <see cref="CuratorSetup"/>.
/// </summary>
public static class CuratorSetupEndpoints
{
    public static IEndpointRouteBuilder MapCuratorSetup(this IEndpointRouteBuilder app)
    {
        app.MapPost(CuratorSetup.Path, CreateFirstCuratorAsync)
            .RequireRateLimiting(CuratorAuthentication.SignInLimit)
            .WithTags("Set-up")
            .WithSummary("Create the first curator with the set-up token printed on the console (works while no curator exists)");
        return app;
    }

    private static async Task<Results<Created<FirstCuratorDto>, ProblemHttpResult>> CreateFirstCuratorAsync(
        FirstCuratorRequest request, CuratorSetup setup, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Token) || string.IsNullOrWhiteSpace(request.Name) || request.Password is null)
        {
            return TypedResults.Problem(title: "Set-up incomplete", statusCode: StatusCodes.Status400BadRequest,
                detail: "Send \"token\" (from the set-up link the server printed), \"name\" and \"password\" (8 characters or more).");
        }

        try
        {
            var (curator, apiToken) = await setup.CreateFirstCuratorAsync(request.Token, request.Name, request.Password, cancellationToken);
            return TypedResults.Created("/admin", new FirstCuratorDto(curator.Name, apiToken));
        }
        catch (CuratorSetupException refused)
        {
            return refused.Refusal == CuratorSetupRefusal.CuratorExists
                ? TypedResults.Problem(title: "Set-up done already", detail: refused.Message, statusCode: StatusCodes.Status409Conflict)
                : TypedResults.Problem(title: "Set-up token refused", detail: refused.Message, statusCode: StatusCodes.Status403Forbidden);
        }
        catch (CuratorAccountException invalid)
        {
            return TypedResults.Problem(title: "Curator not created", detail: invalid.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }
}

public sealed record FirstCuratorRequest(string? Token, string? Name, string? Password);

/// <summary>The first curator, with their first API token (shown only this once).</summary>
public sealed record FirstCuratorDto(string Name, string ApiToken);
