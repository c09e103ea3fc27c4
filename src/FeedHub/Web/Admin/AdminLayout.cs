using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;

namespace FeedHub.Web.Admin;

/// <summary>The frame of the curator pages, and the pieces every admin form needs.</summary>
public static class AdminLayout
{
    public static IResult Page(HttpContext context, string title, Markup main, int status = StatusCodes.Status200OK)
    {
        var curator = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirstValue(ClaimTypes.Name) : null;
        var nav = curator is null ? Markup.Empty : Markup.Of($"""
            <nav aria-label="Curator"><a href="/admin/sources">Sources</a><a href="/admin/add">Add a source</a><a href="/admin/opml">Import / export</a><a href="/admin/tokens">API tokens</a></nav>
            <form class="inline" method="post" action="/admin/signout">{Antiforgery(context)}<button type="submit">Sign out {curator}</button></form>
            """);
        var html = Markup.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <meta name="robots" content="noindex">
            <title>{title} · FeedHub curators</title>
            <link rel="stylesheet" href="/assets/site.css">
            <link rel="icon" href="data:,">
            </head>
            <body class="admin">
            <a class="skip" href="#main">Skip to content</a>
            <header class="site"><a class="brand" href="/admin/sources">FeedHub curators</a>{nav}<a href="/">Reader view</a></header>
            <main id="main">
            {main}
            </main>
            </body>
            </html>
            """);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html.Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>The hidden antiforgery field every form posts back.</summary>
    public static Markup Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Markup.Of($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    public static Markup When(DateTimeOffset? at)
        => at is { } value
            ? Markup.Of($"""<time datetime="{value.ToString("O", CultureInfo.InvariantCulture)}">{value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</time>""")
            : Markup.Of($"never");

    public static Markup Notice(string? message, string kind = "notice")
        => string.IsNullOrEmpty(message) ? Markup.Empty : Markup.Of($"""<p class="{kind}" role="{(kind == "error" ? "alert" : "status")}">{message}</p>""");
}
