using System.Text.Json;
using FeedHub.Core.Storage;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Web.Errors;

/// <summary>
/// Every problem response (404, 400, 429, 500, from endpoints or from the framework) becomes an HTML page in the
/// site's layout for a person's browser; API clients, scripts and <c>Accept: application/json</c> keep RFC 9457
/// problem+json from the default writer, which comes after this one.
/// </summary>
public sealed class ErrorPageWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => WantsPage(context.HttpContext.Request) || IsApiRefusingJson(context.HttpContext.Request);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        if (IsApiRefusingJson(context.HttpContext.Request))
        {
            // The API answers problem+json whatever the client accepts (the default writer would stay silent).
            options.Value.CustomizeProblemDetails?.Invoke(context);
            var problem = context.ProblemDetails;
            problem.Status ??= context.HttpContext.Response.StatusCode;
            problem.Title ??= Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(problem.Status.Value);
            return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, JsonSerializerOptions.Web, "application/problem+json"));
        }

        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        var page = new RazorComponentResult<ErrorPage>(new Dictionary<string, object?>
        {
            [nameof(ErrorPage.Status)] = status,
            [nameof(ErrorPage.Detail)] = context.ProblemDetails.Detail,
            [nameof(ErrorPage.SearchIndex)] = context.ProblemDetails.Extensions.TryGetValue(SearchIndexBuildingHandler.Extension, out var index) ? index as SearchIndexStatus : null,
        })
        {
            StatusCode = status,
        };
        return new ValueTask(page.ExecuteAsync(context.HttpContext));
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    /// <summary>An API request whose <c>Accept</c> names no JSON (nor any type): the default writer would write nothing.</summary>
    private static bool IsApiRefusingJson(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        return IsApi(request) && accept.Count > 0 && !accept.Any(type => type.MediaType.Value is { } media
            && (media is "*/*" or "application/*" || media.EndsWith("json", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>A browser asks for HTML (and not for JSON) and the address is not the API's.</summary>
    public static bool WantsPage(HttpRequest request)
    {
        if (IsApi(request))
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
