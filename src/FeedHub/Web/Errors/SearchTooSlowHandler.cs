using FeedHub.Core.Search;
using Microsoft.AspNetCore.Diagnostics;

namespace FeedHub.Web.Errors;

/// <summary>
/// A search stopped by its time limit: 503 with what to try (rarer words, a shorter phrase, fewer exclusions), as a
/// page or problem+json like every error, and one information line in the log. The store is not marked failing.
/// </summary>
public sealed partial class SearchTooSlowHandler(IProblemDetailsService problems, ILogger<SearchTooSlowHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not SearchTooSlowException slow)
        {
            return false;
        }

        LogTooSlow(logger, slow.Query, slow.Limit.TotalSeconds);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Search took too long",
                Detail = $"{slow.Message} Try rarer words, a shorter phrase in quotes or fewer excluded words (-word), or narrow it to a category or a source.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The search '{Search}' was stopped after {Seconds} s")]
    private static partial void LogTooSlow(ILogger logger, SearchQuery search, double seconds);
}
