using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace FeedHub.Web.Localization;

/// <summary>
/// The languages of FeedHub's own pages: chosen by the visitor's <c>Accept-Language</c>, or by the language switch
/// in every page's header, which remembers the choice in a cookie. Dates and numbers follow the same language.
/// </summary>
public static class InterfaceLanguage
{
    public const string CookieName = "feedhub-language";

    public const string SwitchPath = "/language";

    /// <summary>The interface languages, each named in its own language for the switch.</summary>
    public static readonly IReadOnlyList<(string Tag, string Name)> Supported = [("en", "English"), ("fr", "Français")];

    public static readonly CultureInfo Default = CultureInfo.GetCultureInfo("en");

    /// <summary>The language pages are being rendered in: part of every rendered page's cache key.</summary>
    public static string Current => CultureInfo.CurrentUICulture.Name;

    public static IServiceCollection AddInterfaceLanguages(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Supported.Select(language => CultureInfo.GetCultureInfo(language.Tag)).ToList();
            options.DefaultRequestCulture = new RequestCulture(Default);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = CookieName }, new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary><c>GET /language/{tag}?returnUrl=</c>: remembers the visitor's choice and goes back to the page it was made on.</summary>
    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet(SwitchPath + "/{tag}", (HttpContext context, string tag, string? returnUrl) =>
        {
            if (Supported.Any(language => language.Tag == tag))
            {
                context.Response.Cookies.Append(CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(tag)), new CookieOptions
                {
                    Expires = DateTimeOffset.UtcNow.AddYears(1),
                    HttpOnly = true,
                    IsEssential = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps,
                });
            }

            return TypedResults.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>The address of the switch to <paramref name="tag"/> that comes back to <paramref name="here"/>.</summary>
    public static string SwitchUrl(string tag, string here) => $"{SwitchPath}/{tag}?returnUrl={Uri.EscapeDataString(here)}";

    /// <summary>Renders <paramref name="render"/> in <paramref name="culture"/> (for what must not depend on the visitor, such as feeds).</summary>
    public static async Task<T> InAsync<T>(CultureInfo culture, Func<Task<T>> render)
    {
        // The cultures live in the async flow: set here, they hold for this call and are undone when it returns.
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        return await render();
    }

    /// <summary>A count with its noun in the right plural form: French counts 0 and 1 as singular, English only 1.</summary>
    /// <param name="localizer">The interface's texts.</param>
    /// <param name="count">The number to show (formatted for the language by the text's <c>{0:N0}</c>).</param>
    /// <param name="one">The English text for one, such as <c>{0:N0} post</c>.</param>
    /// <param name="other">The English text for several, such as <c>{0:N0} posts</c>.</param>
    public static string Count(this IStringLocalizer localizer, long count, string one, string other)
    {
        var singular = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" ? count is 0 or 1 : count == 1;
        return localizer[singular ? one : other, count].Value;
    }

    private static bool IsLocal(string? url)
        => !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
