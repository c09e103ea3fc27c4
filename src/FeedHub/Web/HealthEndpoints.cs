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

    /// <summary>The setting a not-ready process writes to find out whether the store takes writes again.</summary>
    private const string WriteProbeSetting = "readyz-write-probe";

    /// <summary>
    /// Ready when the store answers and takes writes, the first requests of the pages, feeds and API have been made
    /// (<see cref="StartupWarmUp"/>) and, on a worker, the scheduler is taking polls. After a write failed (a full disk),
    /// each probe tries a tiny write, so readiness comes back by itself when the store does.
    /// </summary>
    private static async Task<IResult> ReadyAsync(
        IFeedStore store, StoreWrites writes, ISchedulerFactory schedulers, StartupWarmUp warmUp, IOptions<FeedHubOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await store.GetVersionAsync(cancellationToken);
            if (writes.Failure is { } failure)
            {
                try
                {
                    await store.SetSettingAsync(WriteProbeSetting, time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                    writes.Succeeded();
                }
                catch (Exception again) when (StoreWrites.IsStorageFailure(again))
                {
                    writes.Failed(again);
                    return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store refuses writes",
                        detail: $"{StoreWrites.Describe(again)} (writes failing since {failure.Since:u}); polls are retried and nothing is lost");
                }
            }

            if (!warmUp.IsDone)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Warming up",
                    detail: $"The first requests of the pages, feeds and API are being made, so that readers' are fast (for {StartupWarmUp.Bound.TotalSeconds:F0} s at most).");
            }

            if (options.Value.RunsWorker && await (await schedulers.GetScheduler(cancellationToken)).GetStatus(cancellationToken) != SchedulerStatus.Running)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Scheduler not started", detail: "The worker is still starting.");
            }

            return TypedResults.Text("ready");
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unreachable",
                detail: StoreWrites.IsStorageFailure(failure) ? StoreWrites.Describe(failure) : failure.Message);
        }
    }
}
