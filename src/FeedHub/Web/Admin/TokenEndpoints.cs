using System.Security.Claims;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Web.Localization;
using Microsoft.Extensions.Localization;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/tokens</c>: the signed-in curator's API tokens: list, issue (shown once), revoke.</summary>
public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/tokens", (HttpContext context, IFeedStore store, CancellationToken cancellationToken) => PageAsync(context, store, null, null, cancellationToken));
        admin.MapPost("/tokens", IssueAsync);
        admin.MapPost("/tokens/revoke", RevokeAsync);
        return admin;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, IFormCollection form, CuratorAccounts accounts, IFeedStore store, CancellationToken cancellationToken)
    {
        var token = await accounts.IssueTokenAsync(CuratorName(context), cancellationToken);
        return await PageAsync(context, store, token, null, cancellationToken);
    }

    private static async Task<IResult> RevokeAsync(
        HttpContext context, IFormCollection form, CuratorAccounts accounts, IFeedStore store, IStringLocalizer<Strings> strings, CancellationToken cancellationToken)
    {
        var prefix = form["prefix"].ToString();
        var revoked = await accounts.RevokeTokenAsync(CuratorName(context), prefix, cancellationToken);
        return await PageAsync(context, store, null, revoked ? strings["Token {0}… revoked.", prefix] : strings["You hold no active token {0}….", prefix], cancellationToken);
    }

    private static async Task<IResult> PageAsync(HttpContext context, IFeedStore store, string? newToken, string? message, CancellationToken cancellationToken)
    {
        var curator = await store.GetCuratorByNameAsync(CuratorName(context), cancellationToken);
        return AdminPages.Page<TokensPage>(new()
        {
            [nameof(TokensPage.Tokens)] = curator?.Tokens ?? [],
            [nameof(TokensPage.NewToken)] = newToken,
            [nameof(TokensPage.Message)] = message,
        });
    }

    private static string CuratorName(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Name)!;
}
