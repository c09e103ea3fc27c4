using FeedHub.Curators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/signin</c> and <c>/admin/signout</c>: cookie sign-in with a password, rate-limited per client address.</summary>
public static class SignInPages
{
    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet(CuratorAuthentication.SignInPath, (HttpContext context, string? returnUrl) => Form(context, returnUrl, null, StatusCodes.Status200OK))
            .ExcludeFromDescription();
        app.MapPost(CuratorAuthentication.SignInPath, SignInAsync).RequireRateLimiting(CuratorAuthentication.SignInLimit).ExcludeFromDescription();
        app.MapPost("/admin/signout", SignOutAsync).RequireAuthorization(CuratorAuthentication.AdminPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IFormCollection form, CuratorAccounts accounts, CancellationToken cancellationToken)
    {
        var returnUrl = form["returnUrl"].ToString();
        var curator = await accounts.CheckPasswordAsync(form["name"].ToString(), form["password"].ToString(), cancellationToken);
        if (curator is null)
        {
            return Form(context, returnUrl, "The name or the password is wrong.", StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, CuratorPrincipal.Of(curator, CookieAuthenticationDefaults.AuthenticationScheme));
        return TypedResults.LocalRedirect(IsLocalAdminPath(returnUrl) ? returnUrl : "/admin/sources");
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IFormCollection form)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/");
    }

    private static IResult Form(HttpContext context, string? returnUrl, string? error, int status)
        => AdminLayout.Page(context, "Sign in", Markup.Of($"""
            <h1>Curator sign-in</h1>
            {AdminLayout.Notice(error, "error")}
            <form method="post" action="{CuratorAuthentication.SignInPath}" class="stacked">
            {AdminLayout.Antiforgery(context)}
            <input type="hidden" name="returnUrl" value="{returnUrl ?? string.Empty}">
            <label>Name <input name="name" autocomplete="username" required autofocus></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form>
            <p class="meta">No account yet? An administrator creates one with <code>feedhub curators add NAME --password</code>.</p>
            """), status);

    private static bool IsLocalAdminPath(string? url)
        => !string.IsNullOrEmpty(url) && url.StartsWith("/admin", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal);
}
