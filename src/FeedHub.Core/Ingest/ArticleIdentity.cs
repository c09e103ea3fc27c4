using System.Globalization;
using FeedHub.Core.Parser;
using FeedHub.Core.Urls;

namespace FeedHub.Core.Ingest;

/// <summary>Stable identities of feed items within their source, and fingerprints of what they say.</summary>
public static class ArticleIdentity
{
    /// <summary>The feed's own id; else the normalised link; else a hash of title and content.</summary>
    public static string KeyOf(FeedItem item, string? resolvedLink)
    {
        if (!string.IsNullOrWhiteSpace(item.Id))
        {
            return "id:" + item.Id.Trim();
        }

        if (!string.IsNullOrWhiteSpace(resolvedLink))
        {
            return "link:" + UrlNormalizer.ForIdentity(resolvedLink);
        }

        return "hash:" + Hash(item.Title, item.Content ?? item.Summary);
    }

    /// <summary>
    /// Changes whenever the feed changes what it says about the item. Enclosures count only when there are some, so
    /// the hashes of items without any stay those stored before enclosures were kept (an item with some is updated
    /// once, at its first poll after, and so gains them).
    /// </summary>
    public static string ContentHashOf(FeedItem item)
    {
        var hash = Hash(item.Title, item.Link, item.Author, item.Summary, item.Content, item.ImageUrl,
            item.Published?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            item.Updated?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return item.Enclosures.Count == 0
            ? hash
            : Hash(hash, string.Join('\n', item.Enclosures.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Url} {e.MediaType} {e.Length} {e.DurationSeconds}"))));
    }

    private static string Hash(params ReadOnlySpan<string?> parts) => Digests.Sha256Hex(parts, 16);
}
