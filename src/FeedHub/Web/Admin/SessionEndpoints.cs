using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Web.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Localization;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/sessions</c>: the signed-in curator's sessions, and ending one or all the others.</summary>
public static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessionEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/sessions", (HttpContext context, IFeedStore store, CancellationToken cancellationToken) => PageAsync(context, store, null, cancellationToken));
        admin.MapPost("/sessions/end", EndAsync);
        admin.MapPost("/sessions/end-others", EndOthersAsync);
        return admin;
    }

    private static async Task<IResult> EndAsync(
        HttpContext context, IFormCollection form, IFeedStore store, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var curatorId = CuratorPrincipal.IdOf(context.User);
        var current = await CuratorSessions.CurrentSessionIdAsync(context);
        var mine = await store.ListSessionsAsync(curatorId, cancellationToken);
        if (!long.TryParse(form["id"], out var id) || mine.All(s => s.Id != id))
        {
            // Another curator's session, or one already ended: nothing to do, and nothing told about the others.
            return await PageAsync(context, store, strings["That session has ended already."], cancellationToken);
        }

        if (id == current)
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect(CuratorAuthentication.SignInPath);
        }

        await store.RemoveSessionAsync(id, cancellationToken);
        return await PageAsync(context, store, strings["Session ended: that browser is signed out."], cancellationToken);
    }

    private static async Task<IResult> EndOthersAsync(
        HttpContext context, IFormCollection form, IFeedStore store, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var current = await CuratorSessions.CurrentSessionIdAsync(context);
        var ended = 0;
        foreach (var session in await store.ListSessionsAsync(CuratorPrincipal.IdOf(context.User), cancellationToken))
        {
            if (session.Id != current && await store.RemoveSessionAsync(session.Id, cancellationToken))
            {
                ended++;
            }
        }

        return await PageAsync(context, store, strings.Count(ended, "{0:N0} other session ended.", "{0:N0} other sessions ended."), cancellationToken);
    }

    private static async Task<IResult> PageAsync(HttpContext context, IFeedStore store, string? message, CancellationToken cancellationToken)
        => AdminPages.Page<SessionsPage>(new()
        {
            [nameof(SessionsPage.Sessions)] = await store.ListSessionsAsync(CuratorPrincipal.IdOf(context.User), cancellationToken),
            [nameof(SessionsPage.Current)] = await CuratorSessions.CurrentSessionIdAsync(context),
            [nameof(SessionsPage.Message)] = message,
        });
}
