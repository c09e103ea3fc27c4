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
    /// Ready when the store answers and takes writes and, on a worker, the scheduler is taking polls. After a write
    /// failed (a full disk), each probe tries a tiny write, so readiness comes back by itself when the store does.
    /// </summary>
    private static async Task<IResult> ReadyAsync(
        IFeedStore store, StoreWrites writes, ISchedulerFactory schedulers, IOptions<FeedHubOptions> options, TimeProvider time, CancellationToken cancellationToken)
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
