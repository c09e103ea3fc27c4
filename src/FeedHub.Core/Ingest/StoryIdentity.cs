using FeedHub.Core.Urls;

namespace FeedHub.Core.Ingest;

/// <summary>
/// The strong evidence that articles of different sources tell the same story: the same normalised link (with a
/// fragment that names a post), the same page canonical URL, or the same guid when the guid is a URL. Each piece is
/// kept as a short digest, so stores can index it whatever the URL's length, behind a shorter digest of the site the
/// URL is on (its place): a site's keys are neighbours in the stores' indexes, so a new feed's twenty articles write
/// a few pages of the index there instead of a few pages each at a random place of it (issue 15).
/// </summary>
public static class StoryIdentity
{
    /// <summary>The setting that says which forms of key a store holds: <see cref="PlacedOnly"/> or <see cref="BareToo"/>.</summary>
    public const string FormsSetting = "story-keys";

    /// <summary>Every key the store holds is placed: look-ups ask for placed keys only.</summary>
    public const string PlacedOnly = "placed";

    /// <summary>
    /// The store holds keys made before keys were placed (the story's digest alone, "bare"), which no URL can place
    /// again (a canonical URL is kept as its digest only): look-ups ask for both forms of each key.
    /// </summary>
    public const string BareToo = "bare-too";

    private const int PlaceLength = 6;
    private const int DigestLength = 32;
    private const int PlacedLength = PlaceLength + 1 + DigestLength;

    /// <summary>Folders of a URL's path that name the site it is on, after the host (<c>medium.com/@ada</c>, a farm's <c>site/7</c>).</summary>
    private const int PlaceFolders = 2;

    /// <summary>A folder with this many digits names a post (an id), not a site.</summary>
    private const int PostIdDigits = 5;

    /// <summary>The story keys of an article from its link, its feed id (guid) and its page's canonical URL.</summary>
    public static List<string> KeysOf(string? link, string? feedId, string? canonicalUrl)
    {
        var keys = new List<string>(3);
        foreach (var url in (string?[])[canonicalUrl, link, feedId])
        {
            if (Evidence(url) is { } story)
            {
                var key = string.Concat(Digests.Sha256Hex(PlaceOf(story), PlaceLength / 2), ":", Digest(story));
                if (!keys.Contains(key))
                {
                    keys.Add(key);
                }
            }
        }

        return keys;
    }

    /// <summary>Whether a key is placed (<c>pppppp:</c> then the story's digest), not one made before keys were.</summary>
    public static bool IsPlaced(string key) => key.Length == PlacedLength && key[PlaceLength] == ':';

    /// <summary>The story a key names, whatever its place: what two keys are compared by.</summary>
    public static string StoryOf(string key) => IsPlaced(key) ? key[(PlaceLength + 1)..] : key;

    /// <summary>Whether two articles' keys name a story in common (a key of before and a placed key of one story do).</summary>
    public static bool Share(IEnumerable<string> keys, IReadOnlyCollection<string> others)
    {
        foreach (var key in keys)
        {
            foreach (var other in others)
            {
                if (StorySpanOf(key).SequenceEqual(StorySpanOf(other)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The keys to look stored articles up by: each key, and with <paramref name="bareToo"/> the story of each placed one.</summary>
    public static List<string> LookupKeysOf(IEnumerable<string> keys, bool bareToo)
        => bareToo ? keys.SelectMany(key => IsPlaced(key) ? [key, StoryOf(key)] : (string[])[key]).Distinct().ToList() : keys.Distinct().ToList();

    /// <summary>
    /// An article's stored keys with those found now: a stored key of before gives way to the placed key of its story,
    /// keys found on its page earlier stay (a canonical URL is looked for once).
    /// </summary>
    public static List<string> Union(IEnumerable<string> stored, List<string> found)
        => [.. stored.Select(key => IsPlaced(key) ? key : found.Find(placed => StoryOf(placed) == key) ?? key).Union(found)];

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

    /// <summary>
    /// The site a story URL (its story form) is on: its host and port, then up to two folders of its path, which name a
    /// site on a shared host (<c>medium.com/@ada</c>, the farm's <c>127.0.0.1:8081/site/7</c>). A folder is a segment that
    /// more of the path follows, or any segment when a query or fragment names the post (<c>?p=42</c>); one with five
    /// digits or more names a post (<c>/questions/12345/…</c>) and ends the place. A blog's dated folders make a place of
    /// each month (<c>blog.example/2026/11</c>): its posts of a month are still neighbours.
    /// </summary>
    internal static string PlaceOf(string story)
    {
        var span = story.AsSpan();
        var pathEnd = span.IndexOfAny('?', '#');
        var postNamedAfterPath = pathEnd >= 0;
        pathEnd = postNamedAfterPath ? pathEnd : span.Length;
        var end = span[..pathEnd].IndexOf('/');
        if (end < 0)
        {
            return story[..pathEnd];
        }

        for (var folders = 0; folders < PlaceFolders && end < pathEnd; folders++)
        {
            var rest = span[(end + 1)..pathEnd];
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            if ((slash < 0 && !postNamedAfterPath) || segment.IsEmpty || CountDigits(segment) >= PostIdDigits)
            {
                break;
            }

            end += 1 + segment.Length;
        }

        return story[..end];
    }

    private static int CountDigits(ReadOnlySpan<char> segment)
    {
        var digits = 0;
        foreach (var c in segment)
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
        }

        return digits;
    }

    private static ReadOnlySpan<char> StorySpanOf(string key) => IsPlaced(key) ? key.AsSpan(PlaceLength + 1) : key;

    private static string Digest(string story) => Digests.Sha256Hex(story, DigestLength / 2);
}
