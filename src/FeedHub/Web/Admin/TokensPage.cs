using System.Security.Claims;
using FeedHub.Core.Storage;
using FeedHub.Curators;

namespace FeedHub.Web.Admin;

/// <summary><c>/admin/tokens</c>: the signed-in curator's API tokens: list, issue (shown once), revoke.</summary>
public static class TokensPage
{
    public static RouteGroupBuilder MapTokensPage(this RouteGroupBuilder admin)
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

    private static async Task<IResult> RevokeAsync(HttpContext context, IFormCollection form, CuratorAccounts accounts, IFeedStore store, CancellationToken cancellationToken)
    {
        var prefix = form["prefix"].ToString();
        var revoked = await accounts.RevokeTokenAsync(CuratorName(context), prefix, cancellationToken);
        return await PageAsync(context, store, null, revoked ? $"Token {prefix}… revoked." : $"You hold no active token {prefix}….", cancellationToken);
    }

    private static async Task<IResult> PageAsync(HttpContext context, IFeedStore store, string? newToken, string? message, CancellationToken cancellationToken)
    {
        var curator = await store.GetCuratorByNameAsync(CuratorName(context), cancellationToken);
        var token = AdminLayout.Antiforgery(context);
        var rows = (curator?.Tokens ?? []).OrderByDescending(t => t.CreatedAt).Select(t => Markup.Of($"""
            <tr><td><code>{t.Prefix}…</code></td><td>{AdminLayout.When(t.CreatedAt)}</td><td>{AdminLayout.When(t.LastUsedAt)}</td>
            <td>{(t.IsActive
                ? Markup.Of($"""<form class="inline" method="post" action="/admin/tokens/revoke">{token}<input type="hidden" name="prefix" value="{t.Prefix}"><button type="submit">Revoke</button></form>""")
                : Markup.Of($"revoked {AdminLayout.When(t.RevokedAt)}"))}</td></tr>
            """));
        var shown = newToken is null ? Markup.Empty : Markup.Of($"""
            <p class="notice" role="status">Your new token, shown only this once: <code class="token">{newToken}</code><br>Send it as <code>Authorization: Bearer TOKEN</code>.</p>
            """);
        return AdminLayout.Page(context, "API tokens", Markup.Of($"""
            <h1>API tokens</h1>
            {shown}{AdminLayout.Notice(message)}
            <table class="tokens"><thead><tr><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"></th></tr></thead><tbody>{rows}</tbody></table>
            <form method="post" action="/admin/tokens">{token}<button type="submit">Create a new token</button></form>
            """));
    }

    private static string CuratorName(HttpContext context) => context.User.FindFirstValue(ClaimTypes.Name)!;
}
