using System.Globalization;
using FeedHub.Core.Search;
using Microsoft.AspNetCore.Diagnostics;

namespace FeedHub.Web.Errors;

/// <summary>
/// A search asked while the search index is being rebuilt (<see cref="SearchIndexBuildingException"/>): 503 with
/// <c>Retry-After</c> and how far the rebuild got, as problem+json (the API) or a page like every error, never a
/// partial or empty answer (a saved-search feed that came back empty would tell its readers there is nothing new).
/// A browser opening a saved-search feed gets the error page saying it, with the rebuild's progress; the river's own
/// page says it in place of the matches (<see cref="ReaderPages"/>).
/// </summary>
public sealed class SearchIndexBuildingHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>How long a feed reader or a script is asked to wait: a rebuild takes minutes at a million articles.</summary>
    public const int RetryAfterSeconds = 60;

    /// <summary>The problem's member that holds the index's state (<see cref="Core.Storage.SearchIndexStatus"/>), which the error page tells too.</summary>
    public const string Extension = "searchIndex";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not SearchIndexBuildingException building)
        {
            return false;
        }

        Refuse(httpContext.Response);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Search is being rebuilt",
                Detail = building.Message + " Everything else works meanwhile; try the search again in a few minutes.",
                Extensions = { [Extension] = building.Status },
            },
        });
    }

    /// <summary>The status and the wait that every refusal of a search during a rebuild carries.</summary>
    public static void Refuse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
    }
}
