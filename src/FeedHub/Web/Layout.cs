namespace FeedHub.Web;

/// <summary>A feed a page points subscribers to with <c>&lt;link rel="alternate"&gt;</c>.</summary>
public sealed record AlternateFeed(string Title, string Href, string MediaType);

/// <summary>The frame of every reader page: head, site header with navigation, main content.</summary>
public static class Layout
{
    public static Markup Page(string siteTitle, string title, Markup main, IReadOnlyList<AlternateFeed>? feeds = null)
    {
        feeds ??=
        [
            new AlternateFeed($"{siteTitle} (Atom)", "/feed.atom", "application/atom+xml"),
            new AlternateFeed($"{siteTitle} (JSON Feed)", "/feed.json", "application/feed+json"),
            new AlternateFeed($"{siteTitle} (RSS)", "/feed.rss", "application/rss+xml"),
        ];
        var alternates = feeds.Select(f => Markup.Of($"""<link rel="alternate" type="{f.MediaType}" title="{f.Title}" href="{f.Href}">"""));
        return Markup.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <link rel="icon" href="data:,">
            <title>{title}</title>
            <link rel="stylesheet" href="/assets/site.css">
            {alternates}
            <script src="/assets/keys.js" defer></script>
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header class="site"><a class="brand" href="/">{siteTitle}</a>
            <nav aria-label="Site"><a href="/">Latest</a><a href="/digest">Digest</a><a href="/sources.opml">Blogroll</a><a href="{feeds[0].Href}">Subscribe</a></nav></header>
            <main id="main">
            {main}
            </main>
            <footer class="site"><p>Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>o</kbd> open. Feeds: {Markup.Join(feeds.Select(f => Markup.Of($"""<a href="{f.Href}">{FormatName(f.MediaType)}</a> """)))}</p></footer>
            </body>
            </html>
            """);
    }

    private static string FormatName(string mediaType) => mediaType switch
    {
        "application/atom+xml" => "Atom",
        "application/rss+xml" => "RSS",
        _ => "JSON Feed",
    };
}
