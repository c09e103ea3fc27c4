using FeedHub.Curators;
using FeedHub.Web.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/signin</c> and <c>/admin/signout</c>: cookie sign-in with a password, rate-limited per client address.</summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(CuratorAuthentication.SignInPath, async (string? returnUrl, CuratorSetup setup, CancellationToken cancellationToken)
                => Form(returnUrl, null, await setup.IsOpenAsync(cancellationToken), StatusCodes.Status200OK))
            .ExcludeFromDescription();
        app.MapPost(CuratorAuthentication.SignInPath, SignInAsync).RequireRateLimiting(CuratorAuthentication.SignInLimit).ExcludeFromDescription();
        app.MapPost("/admin/signout", SignOutAsync).RequireAuthorization(CuratorAuthentication.AdminPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, IFormCollection form, CuratorAccounts accounts, CuratorSetup setup, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var returnUrl = form["returnUrl"].ToString();
        var curator = await accounts.CheckPasswordAsync(form["name"].ToString(), form["password"].ToString(), cancellationToken);
        if (curator is null)
        {
            return Form(returnUrl, strings["The name or the password is wrong."], await setup.IsOpenAsync(cancellationToken), StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, CuratorPrincipal.Of(curator, CookieAuthenticationDefaults.AuthenticationScheme));
        return TypedResults.LocalRedirect(IsLocalAdminPath(returnUrl) ? returnUrl : "/admin/sources");
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IFormCollection form)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/");
    }

    private static RazorComponentResult<SignInPage> Form(string? returnUrl, string? error, bool setupOpen, int status)
        => AdminPages.Page<SignInPage>(new()
        {
            [nameof(SignInPage.ReturnUrl)] = returnUrl,
            [nameof(SignInPage.Error)] = error,
            [nameof(SignInPage.SetupOpen)] = setupOpen,
        }, status);

    private static bool IsLocalAdminPath(string? url)
        => !string.IsNullOrEmpty(url) && url.StartsWith("/admin", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal);
}
