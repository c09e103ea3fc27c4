using FeedHub.Curators;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedHub.Web.Admin;

/// <summary>
/// The curator web pages under <c>/admin</c>: sign-in is open, everything else needs the sign-in cookie. Every POST
/// handler binds the form (some only for this reason): that makes ASP.NET Core require a form content type and check
/// the antiforgery token before the handler runs.
/// </summary>
public static class AdminPages
{
    public static IEndpointRouteBuilder MapAdminPages(this IEndpointRouteBuilder app)
    {
        app.MapSignInEndpoints();
        app.MapSetupPage();
        app.MapGroup("/admin")
            .RequireAuthorization(CuratorAuthentication.AdminPolicy)
            .ExcludeFromDescription()
            .AddEndpointFilter(static (context, next) =>
            {
                // Curator pages show the curator's own data (a new API token among them): no cache may keep them.
                context.HttpContext.Response.Headers.CacheControl = NeverStored;
                return next(context);
            })
            .MapSourceEndpoints()
            .MapOpmlEndpoints()
            .MapTokenEndpoints()
            .MapCuratorEndpoints()
            .MapSessionEndpoints();
        return app;
    }

    /// <summary>
    /// The Cache-Control of curator pages: no-store, and no-cache as the antiforgery token sets it anyway (so it has
    /// nothing to override and to warn about on every page).
    /// </summary>
    public const string NeverStored = "no-cache, no-store";

    /// <summary>A curator page: rendered for this request (never cached: it shows the curator's own forms and tokens).</summary>
    public static RazorComponentResult<TPage> Page<TPage>(Dictionary<string, object?> parameters, int status = StatusCodes.Status200OK)
        where TPage : IComponent
        => new(parameters) { StatusCode = status };

    /// <summary>The page a curator meets for a source that does not exist (any more).</summary>
    public static ProblemHttpResult SourceNotFound(long id)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such source", detail: $"There is no source {id}.");
}
