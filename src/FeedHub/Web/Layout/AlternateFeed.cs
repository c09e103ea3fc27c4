namespace FeedHub.Web.Layout;

/// <summary>A feed a page points subscribers to with <c>&lt;link rel="alternate"&gt;</c> and in its footer.</summary>
public sealed record AlternateFeed(string Title, string Href, string MediaType)
{
    public const string Atom = "application/atom+xml";
    public const string Rss = "application/rss+xml";
    public const string JsonFeed = "application/feed+json";

    /// <summary>A page's feeds in the three formats: <paramref name="path"/> is the feed's address without its extension.</summary>
    public static IReadOnlyList<AlternateFeed> AllFormats(string title, string path, string query = "") =>
    [
        new($"{title} (Atom)", $"{path}.atom{query}", Atom),
        new($"{title} (JSON Feed)", $"{path}.json{query}", JsonFeed),
        new($"{title} (RSS)", $"{path}.rss{query}", Rss),
    ];

    public string FormatName => MediaType switch
    {
        Atom => "Atom",
        Rss => "RSS",
        _ => "JSON Feed",
    };
}
