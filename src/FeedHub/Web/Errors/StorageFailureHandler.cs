using FeedHub.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace FeedHub.Web.Errors;

/// <summary>
/// A request the store could not serve (a full disk, a database that refuses writes): 503 with the reason and
/// <c>Retry-After</c>, as a page or problem+json like every error; one warning line in the log instead of a stack
/// trace, and readiness told, so it reports not ready until the store takes writes again.
/// </summary>
public sealed partial class StorageFailureHandler(StoreWrites writes, IProblemDetailsService problems, ILogger<StorageFailureHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 60;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // A request that cannot be read or bound is an IOException too, but the client's fault.
        if (exception is BadHttpRequestException || !StoreWrites.IsStorageFailure(exception))
        {
            return false;
        }

        writes.Failed(exception);
        var reason = StoreWrites.Describe(exception);
        LogRefused(logger, httpContext.Request.Method, httpContext.Request.Path, reason);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage error",
                Detail = $"{reason}; nothing was changed: try again once the store takes writes.",
            },
        });
    }

    /// <summary>Whether the exception handler must not log an exception as an error with its stack trace.</summary>
    public static bool IsExpected(Exception exception) => exception is BadHttpRequestException || StoreWrites.IsStorageFailure(exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} could not be served: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
