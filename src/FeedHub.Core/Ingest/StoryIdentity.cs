using FeedHub.Core.Urls;

namespace FeedHub.Core.Ingest;

/// <summary>
/// The strong evidence that articles of different sources tell the same story: the same normalised link (with a
/// fragment that names a post), the same page canonical URL, or the same guid when the guid is a URL. Each piece is
/// kept as a short digest, so stores can index it whatever the URL's length.
/// </summary>
public static class StoryIdentity
{
    /// <summary>The story keys of an article from its link, its feed id (guid) and its page's canonical URL.</summary>
    public static List<string> KeysOf(string? link, string? feedId, string? canonicalUrl)
    {
        var keys = new List<string>(3);
        foreach (var url in (string?[])[canonicalUrl, link, feedId])
        {
            if (Evidence(url) is { } story)
            {
                var key = Digest(story);
                if (!keys.Contains(key))
                {
                    keys.Add(key);
                }
            }
        }

        return keys;
    }

    /// <summary>The feed id an article's key was made from, when the key came from one (<c>id:…</c>).</summary>
    public static string? FeedIdOf(string articleKey) => articleKey.StartsWith("id:", StringComparison.Ordinal) ? articleKey[3..] : null;

    /// <summary>
    /// The story form of a URL, or null when it is no evidence: not an http(s) URL, or a site's home page (some
    /// feeds link every item to it, which would merge unrelated posts of two such feeds).
    /// </summary>
    private static string? Evidence(string? url)
    {
        var story = UrlNormalizer.ForStory(url);
        return story is null || !story.AsSpan().ContainsAny('/', '?', '#') ? null : story;
    }

    private static string Digest(string story) => Digests.Sha256Hex(story, 16);
}
