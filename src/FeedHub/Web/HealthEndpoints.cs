using FeedHub.Core.Storage;

namespace FeedHub.Web;

/// <summary>Liveness and readiness for load balancers and orchestrators.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
        return app;
    }

    private static async Task<IResult> ReadyAsync(IFeedStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.GetVersionAsync(cancellationToken);
            return TypedResults.Text("ready");
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unreachable", detail: failure.Message);
        }
    }
}
