namespace FeedHub.Web;

/// <summary>The frame of every reader page: head, site header with navigation, main content.</summary>
public static class Layout
{
    public static Markup Page(string siteTitle, string title, Markup main, Markup? head = null) => Markup.Of($"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title}</title>
        <link rel="stylesheet" href="/assets/site.css">
        <link rel="alternate" type="application/atom+xml" title="{siteTitle} (Atom)" href="/feed.atom">
        <link rel="alternate" type="application/rss+xml" title="{siteTitle} (RSS)" href="/feed.rss">
        <link rel="alternate" type="application/feed+json" title="{siteTitle} (JSON Feed)" href="/feed.json">
        {head ?? Markup.Empty}
        </head>
        <body>
        <header class="site"><a class="brand" href="/">{siteTitle}</a>
        <nav><a href="/">Latest</a> <a href="/feed.atom">Atom</a> <a href="/feed.rss">RSS</a> <a href="/feed.json">JSON Feed</a></nav></header>
        <main id="main">
        {main}
        </main>
        </body>
        </html>
        """);
}
