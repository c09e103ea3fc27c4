using System.Globalization;
using System.Threading.RateLimiting;
using FeedHub.Core.Settings;
using FeedHub.Web.Admin;
using FeedHub.Web.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FeedHub.Curators;

/// <summary>
/// Who may do curator work: <c>/admin</c> pages with a sign-in cookie (which carries only the key of a session kept
/// in the store, see <see cref="CuratorSessions"/>), <c>/api</c> with a bearer token. Anonymous callers get 401
/// (never a redirect, so scripts see the refusal) with the sign-in form; sign-in attempts are rate-limited per client
/// address.
/// </summary>
public static class CuratorAuthentication
{
    public const string AdminPolicy = "admin";
    public const string ApiPolicy = "api";
    public const string SignInLimit = "sign-in";
    public const string SignInPath = "/admin/signin";

    public static IServiceCollection AddCuratorAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CuratorOptions>()
            .Bind(configuration.GetSection(CuratorOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CuratorOptions>, CheckedOptionsValidator<CuratorOptions>>();
        services.AddSingleton<CuratorSessions>();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<CuratorSessions, IOptions<CuratorOptions>>((cookie, sessions, curators) =>
            {
                cookie.SessionStore = sessions;
                cookie.ExpireTimeSpan = curators.Value.SessionIdleTimeout;
            });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "feedhub-curator";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SlidingExpiration = true;
                options.LoginPath = SignInPath;
                options.Events.OnRedirectToLogin = context => RefuseAsync(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RefuseAsync(context, StatusCodes.Status403Forbidden);
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
            limiter.OnRejected = RefuseAttemptAsync;
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
    /// Answers a page that needs a signed-in curator with the status and, for people, the sign-in form itself (which
    /// comes back to the page asked for) or the reason they may not see it.
    /// </summary>
    private static async Task RefuseAsync(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        IResult page = status == StatusCodes.Status401Unauthorized
            ? AdminPages.Page<SignInPage>(new()
            {
                [nameof(SignInPage.Refused)] = true,
                [nameof(SignInPage.ReturnUrl)] = HttpMethods.IsGet(request.Method) ? $"{request.PathBase}{request.Path}{request.QueryString}" : null,
                [nameof(SignInPage.SetupOpen)] = await context.HttpContext.RequestServices.GetRequiredService<CuratorSetup>().IsOpenAsync(context.HttpContext.RequestAborted),
            }, status)
            : AdminPages.Page<ErrorPage>(new() { [nameof(ErrorPage.Status)] = status }, status);
        await page.ExecuteAsync(context.HttpContext);
    }

    /// <summary>Refuses a sign-in attempt over the limit with the time to wait, in <c>Retry-After</c> and in words.</summary>
    private static async ValueTask RefuseAttemptAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var response = context.HttpContext.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails =
            {
                Status = response.StatusCode,
                Title = "Too many sign-in attempts",
                Detail = $"Sign-in attempts from one address are limited; try again in {seconds} seconds.",
            },
        });
    }
}
