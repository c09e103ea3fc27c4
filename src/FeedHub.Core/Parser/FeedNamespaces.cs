using System.Collections.Frozen;

namespace FeedHub.Core.Parser;

/// <summary>The vocabularies a feed element can belong to, recognised by namespace URI.</summary>
internal enum Vocabulary
{
    Other,
    None,
    Rss,
    Atom,
    Rdf,
    DublinCore,
    DublinCoreTerms,
    Content,
    Media,
    ITunes,
    Syndication,
    Xhtml,
}

internal static class FeedNamespaces
{
    public const string Atom10 = "http://www.w3.org/2005/Atom";
    public const string Atom03 = "http://purl.org/atom/ns#";
    public const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public const string Xml = "http://www.w3.org/XML/1998/namespace";

    private static readonly FrozenDictionary<string, Vocabulary> ByUri = new Dictionary<string, Vocabulary>(StringComparer.OrdinalIgnoreCase)
    {
        [""] = Vocabulary.None,
        ["http://purl.org/rss/1.0/"] = Vocabulary.Rss,
        ["http://my.netscape.com/rdf/simple/0.9/"] = Vocabulary.Rss,
        ["http://channel.netscape.com/rdf/simple/0.9/"] = Vocabulary.Rss,
        ["http://backend.userland.com/rss2"] = Vocabulary.Rss,
        ["http://backend.userland.com/rss"] = Vocabulary.Rss,
        [Atom10] = Vocabulary.Atom,
        [Atom03] = Vocabulary.Atom,
        [Rdf] = Vocabulary.Rdf,
        ["http://purl.org/dc/elements/1.1/"] = Vocabulary.DublinCore,
        ["http://purl.org/dc/terms/"] = Vocabulary.DublinCoreTerms,
        ["http://purl.org/rss/1.0/modules/content/"] = Vocabulary.Content,
        ["http://search.yahoo.com/mrss/"] = Vocabulary.Media,
        ["http://search.yahoo.com/mrss"] = Vocabulary.Media,
        ["http://www.itunes.com/dtds/podcast-1.0.dtd"] = Vocabulary.ITunes,
        ["http://purl.org/rss/1.0/modules/syndication/"] = Vocabulary.Syndication,
        ["http://www.w3.org/1999/xhtml"] = Vocabulary.Xhtml,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The usual prefixes, declared for documents that use them without declaring them.</summary>
    public static readonly FrozenDictionary<string, string> WellKnownPrefixes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["atom"] = Atom10,
        ["atom10"] = Atom10,
        ["rdf"] = Rdf,
        ["dc"] = "http://purl.org/dc/elements/1.1/",
        ["dcterms"] = "http://purl.org/dc/terms/",
        ["content"] = "http://purl.org/rss/1.0/modules/content/",
        ["media"] = "http://search.yahoo.com/mrss/",
        ["itunes"] = "http://www.itunes.com/dtds/podcast-1.0.dtd",
        ["sy"] = "http://purl.org/rss/1.0/modules/syndication/",
        ["xhtml"] = "http://www.w3.org/1999/xhtml",
        ["slash"] = "http://purl.org/rss/1.0/modules/slash/",
        ["wfw"] = "http://wellformedweb.org/CommentAPI/",
        ["feedburner"] = "http://rssnamespace.org/feedburner/ext/1.0",
        ["georss"] = "http://www.georss.org/georss",
        ["thr"] = "http://purl.org/syndication/thread/1.0",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static Vocabulary Classify(string namespaceUri)
        => ByUri.TryGetValue(namespaceUri, out var vocabulary) ? vocabulary : Vocabulary.Other;
}
