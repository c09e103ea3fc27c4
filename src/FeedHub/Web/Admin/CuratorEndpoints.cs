using System.Security.Claims;
using FeedHub.Curators;
using FeedHub.Web.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Localization;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/curators</c>: the curator accounts, through <see cref="CuratorAccounts"/> like the command line's <c>curators</c> verbs.</summary>
public static class CuratorEndpoints
{
    public static RouteGroupBuilder MapCuratorEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/curators", (HttpContext context, CuratorAccounts accounts, string? message, CancellationToken cancellationToken)
            => PageAsync(context, accounts, message, null, cancellationToken));
        admin.MapPost("/curators", AddAsync);
        admin.MapPost("/curators/password", ResetPasswordAsync);
        admin.MapPost("/curators/revoke-tokens", RevokeTokensAsync);
        admin.MapPost("/curators/remove", RemoveAsync);
        return admin;
    }

    private static async Task<IResult> AddAsync(
        HttpContext context, IFormCollection form, CuratorAccounts accounts, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
        => await ChangeAsync(context, accounts, async name =>
        {
            var (curator, _) = await accounts.CreateAsync(name, form["password"].ToString(), cancellationToken);
            return strings["Curator {0} added; they can sign in now.", curator.Name];
        }, form, cancellationToken);

    private static async Task<IResult> ResetPasswordAsync(
        HttpContext context, IFormCollection form, CuratorAccounts accounts, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
        => await ChangeAsync(context, accounts, async name =>
        {
            var password = form["password"].ToString();
            await accounts.ResetPasswordAsync(name, password, cancellationToken);
            if (!string.Equals(name, You(context), StringComparison.OrdinalIgnoreCase))
            {
                return strings["New password set for {0}; their sign-ins ended.", name];
            }

            // One's own new password ends one's sign-ins too, this one included (an ended session is never renewed):
            // the redirect to the curators page goes through the sign-in form, which returns there with this message.
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return strings["Your new password is set and every sign-in ended, this one too: sign in with the new password."];
        }, form, cancellationToken);

    private static async Task<IResult> RevokeTokensAsync(
        HttpContext context, IFormCollection form, CuratorAccounts accounts, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
        => await ChangeAsync(context, accounts, async name =>
        {
            var revoked = await accounts.RevokeAllTokensAsync(name, cancellationToken);
            return strings["API tokens of {0} revoked: {1:N0}.", name, revoked];
        }, form, cancellationToken);

    private static async Task<IResult> RemoveAsync(
        HttpContext context, IFormCollection form, CuratorAccounts accounts, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
        => await ChangeAsync(context, accounts, async name =>
        {
            if (string.Equals(name, You(context), StringComparison.OrdinalIgnoreCase))
            {
                throw new CuratorAccountException(strings["You cannot remove yourself; another curator can."]);
            }

            await accounts.RemoveAsync(name, cancellationToken);
            return strings["Curator {0} removed; their sign-ins and API tokens stopped.", name];
        }, form, cancellationToken);

    /// <summary>Makes a change to the curator named in the form, then shows the list with what was done, or why not.</summary>
    private static async Task<IResult> ChangeAsync(
        HttpContext context, CuratorAccounts accounts, Func<string, Task<string>> change, IFormCollection form, CancellationToken cancellationToken)
    {
        try
        {
            var done = await change(form["name"].ToString().Trim());
            return TypedResults.LocalRedirect($"/admin/curators?message={Uri.EscapeDataString(done)}");
        }
        catch (CuratorAccountException refused)
        {
            return await PageAsync(context, accounts, null, refused.Message, cancellationToken);
        }
    }

    private static async Task<IResult> PageAsync(HttpContext context, CuratorAccounts accounts, string? message, string? error, CancellationToken cancellationToken)
        => AdminPages.Page<CuratorsPage>(new()
        {
            [nameof(CuratorsPage.Curators)] = await accounts.ListAsync(cancellationToken),
            [nameof(CuratorsPage.You)] = You(context),
            [nameof(CuratorsPage.Message)] = message,
            [nameof(CuratorsPage.Error)] = error,
        }, error is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);

    private static string You(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Name)!;
}
