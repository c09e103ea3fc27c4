using FeedHub.Curators;

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
        app.MapSignInPages();
        app.MapGroup("/admin")
            .RequireAuthorization(CuratorAuthentication.AdminPolicy)
            .ExcludeFromDescription()
            .MapSourcePages()
            .MapOpmlPage()
            .MapTokensPage();
        return app;
    }
}
