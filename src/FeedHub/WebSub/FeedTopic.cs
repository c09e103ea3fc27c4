using FeedHub.Core.Publishing;
using FeedHub.Web;
using Microsoft.AspNetCore.WebUtilities;

namespace FeedHub.WebSub;

/// <summary>
/// A WebSub topic FeedHub is the hub of: the newest page of a merged feed (any format, with its <c>category</c>,
/// <c>source</c> and <c>q</c> filters) or a digest feed, under FeedHub's public address. Older pages never change,
/// so they are no topics.
/// </summary>
public sealed record FeedTopic(Uri Origin, bool IsDigest, SyndicationFormat Format, RiverFilter Filter)
{
    /// <summary>Longer topics and callbacks are refused (they are stored and indexed).</summary>
    public const int MaxUrlLength = 1000;

    /// <summary>The topic's canonical address, as the feed states it in <c>rel="self"</c>.</summary>
    public Uri Self => IsDigest ? DigestPages.FeedSelf(Origin, Format) : MergedFeeds.Self(Origin, Format, Filter);

    /// <summary>Reads a topic named by a subscriber, or says why FeedHub is not its hub.</summary>
    /// <param name="topic">The <c>hub.topic</c>.</param>
    /// <param name="origin">FeedHub's public address, ending in a slash.</param>
    public static FeedTopic? Parse(string? topic, Uri origin, out string why)
    {
        why = string.Empty;
        if (string.IsNullOrWhiteSpace(topic) || topic.Length > MaxUrlLength || !Uri.TryCreate(topic.Trim(), UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https"))
        {
            why = $"hub.topic must be the http(s) address of one of FeedHub's feeds (at most {MaxUrlLength} characters)";
            return null;
        }

        if (Uri.Compare(url, origin, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0
            || !url.AbsolutePath.StartsWith(origin.AbsolutePath, StringComparison.Ordinal))
        {
            why = $"{url.GetLeftPart(UriPartial.Path)} is not a feed of this FeedHub: its topics are under {origin.AbsoluteUri}";
            return null;
        }

        var name = url.AbsolutePath[origin.AbsolutePath.Length..];
        var dot = name.LastIndexOf('.');
        var format = dot > 0 ? SyndicationFormat.OfExtension(name[(dot + 1)..]) : null;
        var kind = dot > 0 ? name[..dot] : name;
        if (format is null || kind is not ("feed" or "digest"))
        {
            why = $"{url.GetLeftPart(UriPartial.Path)} is not a feed of this FeedHub: its topics are feed.atom, feed.rss, feed.json (with category, source or q) and digest.atom, digest.rss, digest.json";
            return null;
        }

        var query = QueryHelpers.ParseQuery(url.Query);
        var allowed = kind == "feed" ? new[] { "category", "source", "q" } : [];
        if (query.Keys.FirstOrDefault(key => !allowed.Contains(key, StringComparer.Ordinal)) is { } unknown)
        {
            why = unknown == "before"
                ? "an older page of a paged feed never changes: subscribe to the feed's newest page (without before=)"
                : $"'{unknown}' is not a parameter of {name}";
            return null;
        }

        if (kind == "digest")
        {
            return new FeedTopic(origin, true, format, new RiverFilter());
        }

        long? source = null;
        if (query.TryGetValue("source", out var sourceText))
        {
            if (!long.TryParse(sourceText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                why = $"source={sourceText} is not a source id";
                return null;
            }

            source = id;
        }

        if (!MergedFeeds.TryFilter(query.GetValueOrDefault("category"), source, query.GetValueOrDefault("q"), out var filter, out var problem))
        {
            why = $"q is not a search FeedHub can run: {problem}";
            return null;
        }

        return new FeedTopic(origin, false, format, filter);
    }
}
