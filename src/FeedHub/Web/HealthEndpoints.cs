using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

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

    /// <summary>Ready when the store answers and, on a worker, the scheduler is taking polls.</summary>
    private static async Task<IResult> ReadyAsync(IFeedStore store, ISchedulerFactory schedulers, IOptions<FeedHubOptions> options, CancellationToken cancellationToken)
    {
        try
        {
            await store.GetVersionAsync(cancellationToken);
            if (options.Value.RunsWorker && await (await schedulers.GetScheduler(cancellationToken)).GetStatus(cancellationToken) != SchedulerStatus.Running)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Scheduler not started", detail: "The worker is still starting.");
            }

            return TypedResults.Text("ready");
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unreachable", detail: failure.Message);
        }
    }
}
