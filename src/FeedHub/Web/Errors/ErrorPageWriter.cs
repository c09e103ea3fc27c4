using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Web.Errors;

/// <summary>
/// Every problem response (404, 400, 429, 500, from endpoints or from the framework) becomes an HTML page in the
/// site's layout for a person's browser; API clients, scripts and <c>Accept: application/json</c> keep RFC 9457
/// problem+json from the default writer, which comes after this one.
/// </summary>
public sealed class ErrorPageWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => WantsPage(context.HttpContext.Request);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        var page = new RazorComponentResult<ErrorPage>(new Dictionary<string, object?> { [nameof(ErrorPage.Status)] = status })
        {
            StatusCode = status,
        };
        return new ValueTask(page.ExecuteAsync(context.HttpContext));
    }

    /// <summary>A browser asks for HTML (and not for JSON) and the address is not the API's.</summary>
    public static bool WantsPage(HttpRequest request)
    {
        if (request.Path.StartsWithSegments("/api"))
        {
            return false;
        }

        bool html = false, json = false;
        foreach (var type in request.GetTypedHeaders().Accept)
        {
            if (type.Quality is 0)
            {
                continue;
            }

            var mediaType = type.MediaType.Value ?? string.Empty;
            html |= mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase);
            json |= mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase);
        }

        return html && !json;
    }
}
