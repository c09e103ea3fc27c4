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
    private const string DublinCore = "http://purl.org/dc/elements/1.1/";
    private const string DublinCoreTerms = "http://purl.org/dc/terms/";
    private const string Content = "http://purl.org/rss/1.0/modules/content/";
    private const string Media = "http://search.yahoo.com/mrss/";
    private const string ITunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    private const string Syndication = "http://purl.org/rss/1.0/modules/syndication/";
    private const string Xhtml = "http://www.w3.org/1999/xhtml";

    // A switch rather than a dictionary: it is called for every element, and compiles to a length-and-character
    // test with no hashing and no generic code to JIT at start-up.
    public static Vocabulary Classify(string namespaceUri) => namespaceUri switch
    {
        "" => Vocabulary.None,
        "http://purl.org/rss/1.0/" or "http://my.netscape.com/rdf/simple/0.9/" or "http://channel.netscape.com/rdf/simple/0.9/"
            or "http://backend.userland.com/rss2" or "http://backend.userland.com/rss" => Vocabulary.Rss,
        Atom10 or Atom03 => Vocabulary.Atom,
        Rdf => Vocabulary.Rdf,
        DublinCore => Vocabulary.DublinCore,
        DublinCoreTerms => Vocabulary.DublinCoreTerms,
        Content => Vocabulary.Content,
        Media or "http://search.yahoo.com/mrss" => Vocabulary.Media,
        ITunes => Vocabulary.ITunes,
        Syndication => Vocabulary.Syndication,
        Xhtml => Vocabulary.Xhtml,
        _ when namespaceUri.Equals(ITunes, StringComparison.OrdinalIgnoreCase) => Vocabulary.ITunes,
        _ => Vocabulary.Other,
    };

    /// <summary>The namespace usually meant by a prefix, for documents that use it without declaring it; null when unknown.</summary>
    public static string? WellKnownNamespace(string prefix) => prefix switch
    {
        "atom" or "atom10" => Atom10,
        "rdf" => Rdf,
        "dc" => DublinCore,
        "dcterms" => DublinCoreTerms,
        "content" => Content,
        "media" => Media,
        "itunes" => ITunes,
        "sy" => Syndication,
        "xhtml" => Xhtml,
        "slash" => "http://purl.org/rss/1.0/modules/slash/",
        "wfw" => "http://wellformedweb.org/CommentAPI/",
        "feedburner" => "http://rssnamespace.org/feedburner/ext/1.0",
        "georss" => "http://www.georss.org/georss",
        "thr" => "http://purl.org/syndication/thread/1.0",
        _ => null,
    };
}
