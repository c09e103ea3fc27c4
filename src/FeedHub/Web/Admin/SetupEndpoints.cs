using FeedHub.Curators;
using FeedHub.Web.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace FeedHub.Web.Admin;

/// <summary>The steps of <see cref="SetupPage"/>.</summary>
public enum SetupStep
{
    /// <summary>No curator yet: the form (or, without a token, where to find the link).</summary>
    Form,

    /// <summary>A curator exists: set-up links are dead.</summary>
    Closed,

    /// <summary>The first curator was just created and signed in.</summary>
    Done,
}

/// <summary>
/// <c>GET /admin/setup?token=…</c> and its form: the first run in a browser, through the one-time link the server
/// printed on its console (<see cref="CuratorSetup"/>), without stopping the server. A JSON <c>POST</c> to the same
/// address is the scripts' way in (<see cref="CuratorSetupEndpoints"/>); a form is told from it by its content type.
/// </summary>
public static class SetupEndpoints
{
    public static IEndpointRouteBuilder MapSetupPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(CuratorSetup.Path, ShowAsync).ExcludeFromDescription();
        app.MapPost(CuratorSetup.Path, CreateAsync).RequireRateLimiting(CuratorAuthentication.SignInLimit).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ShowAsync(HttpContext context, string? token, CuratorSetup setup, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = AdminPages.NeverStored;
        return await setup.IsOpenAsync(cancellationToken)
            ? Page(SetupStep.Form, TokenOf(token), null, null, null, StatusCodes.Status200OK)
            : Page(SetupStep.Closed, null, null, null, null, StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, IFormCollection form, CuratorSetup setup, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = AdminPages.NeverStored;
        var (token, name) = (TokenOf(form["token"]), form["name"].ToString().Trim());
        try
        {
            var (curator, apiToken) = await setup.CreateFirstCuratorAsync(token ?? string.Empty, name, form["password"].ToString(), cancellationToken);
            var principal = CuratorPrincipal.Of(curator, CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
            context.User = principal; // this very page already shows the curator's navigation
            return Page(SetupStep.Done, null, curator.Name, apiToken, null, StatusCodes.Status201Created);
        }
        catch (CuratorSetupException refused) when (refused.Refusal == CuratorSetupRefusal.CuratorExists)
        {
            return Page(SetupStep.Closed, null, null, null, null, StatusCodes.Status409Conflict);
        }
        catch (CuratorSetupException)
        {
            return Page(SetupStep.Form, null, name, null,
                strings["This set-up link is not the current one. Use the link FeedHub printed at its last start (each start prints a new one)."], StatusCodes.Status403Forbidden);
        }
        catch (CuratorAccountException invalid)
        {
            return Page(SetupStep.Form, token, name, null, invalid.Message, StatusCodes.Status422UnprocessableEntity);
        }
    }

    /// <summary>The token itself, whether the whole link or only its token was given.</summary>
    private static string? TokenOf(string? given)
    {
        var text = given?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var marker = text.LastIndexOf("token=", StringComparison.Ordinal);
        return marker < 0 ? text : text[(marker + "token=".Length)..].Split('&')[0];
    }

    private static RazorComponentResult<SetupPage> Page(SetupStep step, string? token, string? name, string? apiToken, string? error, int status)
        => AdminPages.Page<SetupPage>(new()
        {
            [nameof(SetupPage.Step)] = step,
            [nameof(SetupPage.Token)] = token,
            [nameof(SetupPage.CuratorName)] = name,
            [nameof(SetupPage.ApiToken)] = apiToken,
            [nameof(SetupPage.Error)] = error,
        }, status);
}
