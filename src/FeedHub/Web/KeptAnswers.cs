using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace FeedHub.Web;

/// <summary>
/// A merged feed or a river page asked for again while unchanged is answered from <see cref="RenderedResponses"/> as
/// soon as the request's language is known, before routing: its endpoint only read the address and language to find
/// the same kept answer, and routing, authentication, antiforgery, binding and building the feed's addresses cost
/// more than the answer itself (a feed reader's 304 most of all). A signed-in curator's requests still go through
/// authentication, which renews their session.
/// </summary>
public static class KeptAnswers
{
    public static IApplicationBuilder UseKeptAnswers(this IApplicationBuilder app)
    {
        var responses = app.ApplicationServices.GetRequiredService<RenderedResponses>();
        var curatorCookie = app.ApplicationServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie.Name!;
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            var signedIn = request.Headers.Cookie.Count > 0 && request.Cookies.ContainsKey(curatorCookie);
            if (signedIn || !await responses.TryAnswerAsync(context))
            {
                await next(context);
            }
        });
    }
}
