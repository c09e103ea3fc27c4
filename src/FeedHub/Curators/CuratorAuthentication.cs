using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace FeedHub.Curators;

/// <summary>
/// Who may do curator work: <c>/admin</c> pages with a sign-in cookie, <c>/api</c> with a bearer token. Anonymous
/// callers get 401 (never a redirect, so scripts see the refusal); sign-in attempts are rate-limited per client address.
/// </summary>
public static class CuratorAuthentication
{
    public const string AdminPolicy = "admin";
    public const string ApiPolicy = "api";
    public const string SignInLimit = "sign-in";
    public const string SignInPath = "/admin/signin";

    public static IServiceCollection AddCuratorAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CuratorOptions>(configuration.GetSection(CuratorOptions.Section));
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "feedhub-curator";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromDays(7);
                options.SlidingExpiration = true;
                options.LoginPath = SignInPath;
                options.Events.OnRedirectToLogin = context => RefuseAsync(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RefuseAsync(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = RejectEndedCredentialsAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme).RequireAuthenticatedUser())
            .AddPolicy(ApiPolicy, policy => policy.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        services.AddSingleton<CuratorSetup>();
        services.AddAntiforgery(options => options.Cookie.Name = "feedhub-antiforgery");
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<CuratorOptions>>().Value.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    /// <summary>
    /// Refuses a sign-in cookie whose curator was removed or whose password was reset since it was issued (the
    /// cookie is stateless: this lookup is what ends it).
    /// </summary>
    private static async Task RejectEndedCredentialsAsync(CookieValidatePrincipalContext context)
    {
        var store = context.HttpContext.RequestServices.GetRequiredService<Core.Storage.IFeedStore>();
        var name = context.Principal?.Identity?.Name;
        var curator = name is null ? null : await store.GetCuratorByNameAsync(name, context.HttpContext.RequestAborted);
        if (curator is null || context.Principal!.FindFirst(CuratorPrincipal.CredentialStampClaim)?.Value != CuratorAccounts.CredentialStamp(curator))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Answers a page that needs a signed-in curator with the status and, for people, a way to sign in.</summary>
    private static Task RefuseAsync(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        var message = status == StatusCodes.Status401Unauthorized ? "Curator pages need you to sign in." : "Your account may not see this page.";
        var page = Web.Markup.Of($"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in needed</title><link rel="stylesheet" href="/assets/site.css"><link rel="icon" href="data:,"></head>
            <body><main id="main"><h1>Sign in needed</h1><p>{message} <a href="{SignInPath}?returnUrl={Uri.EscapeDataString(returnUrl)}">Sign in</a></p></main></body></html>
            """);
        return context.Response.WriteAsync(page.Value, context.HttpContext.RequestAborted);
    }
}
