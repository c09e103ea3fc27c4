using System.Text;
using System.Xml;
using FeedHub.Core.Dates;
using FeedHub.Core.Model;

namespace FeedHub.Core.Parser;

/// <summary>
/// Streams RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF off an <see cref="XmlReader"/> into a <see cref="FeedDocument"/>.
/// Items are added only once complete, so when the reader throws on broken input the document holds everything read
/// up to that point.
/// </summary>
internal sealed class XmlFeedParser
{
    /// <summary>Containers nested deeper than this (channel in channel, media:group in media:group) are skipped, not recursed into.</summary>
    private const int MaxNesting = 32;

    private readonly XmlReader reader;
    private readonly FeedDocument document;
    private string rootNamespace = string.Empty;
    private string? lastNamespaceUri;
    private Vocabulary lastVocabulary;

    private XmlFeedParser(XmlReader reader, FeedDocument document)
    {
        this.reader = reader;
        this.document = document;
    }

    /// <summary>Reads the document; an <see cref="XmlException"/> leaves what was read so far in <paramref name="document"/>.</summary>
    public static void Parse(XmlReader reader, FeedDocument document, Uri? location)
        => new XmlFeedParser(reader, document).ParseRoot(location);

    private void ParseRoot(Uri? location)
    {
        if (reader.MoveToContent() != XmlNodeType.Element)
        {
            document.Error = "no XML elements found";
            return;
        }

        rootNamespace = reader.NamespaceURI;
        var baseUri = ElementBase(location);
        var root = reader.LocalName;
        if (root.Equals("rss", StringComparison.OrdinalIgnoreCase) || (root == "RDF" && reader.NamespaceURI == FeedNamespaces.Rdf))
        {
            document.Format = FeedFormat.Rss;
            ReadRssContainer(baseUri, isChannel: false);
        }
        else if (root == "feed")
        {
            document.Format = FeedFormat.Atom;
            ReadAtomFeed(baseUri);
        }
        else if (root.Equals("channel", StringComparison.OrdinalIgnoreCase))
        {
            document.Format = FeedFormat.Rss;
            ReadRssContainer(baseUri, isChannel: true);
        }
        else if (root.Equals("html", StringComparison.OrdinalIgnoreCase) || root.Equals("head", StringComparison.OrdinalIgnoreCase)
            || root.Equals("body", StringComparison.OrdinalIgnoreCase))
        {
            document.Error = FeedReader.HtmlPageError;
        }
        else
        {
            document.Error = $"not a feed: the document is <{reader.Name}>";
        }
    }

    /// <summary>The vocabulary of the current element; the reader's name table hands back the same string for the same URI.</summary>
    private Vocabulary CurrentVocabulary()
    {
        var namespaceUri = reader.NamespaceURI;
        if (!ReferenceEquals(namespaceUri, lastNamespaceUri))
        {
            lastNamespaceUri = namespaceUri;
            lastVocabulary = FeedNamespaces.Classify(namespaceUri);
        }

        return lastVocabulary;
    }

    /// <summary>Is the current element one of the feed's own (not an extension's)?</summary>
    private bool IsCore(Vocabulary vocabulary)
        => vocabulary is Vocabulary.None or Vocabulary.Rss || (vocabulary == Vocabulary.Other && reader.NamespaceURI == rootNamespace);

    private Uri? ElementBase(Uri? parent)
    {
        var value = reader.GetAttribute("base", FeedNamespaces.Xml);
        return string.IsNullOrWhiteSpace(value) ? parent : Links.ResolveUri(value.Trim(), parent) ?? parent;
    }

    // ---------------------------------------------------------------- RSS

    /// <summary>Reads &lt;rss&gt;, &lt;rdf:RDF&gt; (items beside the channel) or &lt;channel&gt;.</summary>
    private void ReadRssContainer(Uri? baseUri, bool isChannel)
    {
        if (isChannel)
        {
            document.Link ??= Links.Resolve(reader.GetAttribute("href") ?? reader.GetAttribute("HREF"), baseUri);
        }

        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        string? period = null, frequency = null, description = null, itunesSubtitle = null, itunesSummary = null;
        while (reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            var vocabulary = CurrentVocabulary();
            var name = reader.LocalName;
            var core = IsCore(vocabulary);
            if (core && Is(name, "channel") && reader.Depth < MaxNesting)
            {
                ReadRssContainer(ElementBase(baseUri), isChannel: true);
            }
            else if (core && Is(name, "item"))
            {
                ReadRssItem(ElementBase(baseUri));
            }
            else if (core && Is(name, "title"))
            {
                document.Title = First(document.Title, Text());
            }
            else if (core && Is(name, "link"))
            {
                var href = reader.GetAttribute("href");
                var text = Text();
                document.Link ??= Links.Resolve(text ?? href, baseUri);
            }
            else if (core && (Is(name, "description") || Is(name, "abstract")))
            {
                // Present but empty still says "no description", which is not the same as none given.
                description = First(description, XmlContent.Read(reader).Trim());
            }
            else if (core && Is(name, "language"))
            {
                document.Language = First(document.Language, Text());
            }
            else if (core && Is(name, "ttl"))
            {
                if (int.TryParse(Text(), out var minutes) && minutes > 0)
                {
                    document.PublisherInterval = TimeSpan.FromMinutes(minutes);
                }
            }
            else if (core && Is(name, "image"))
            {
                ReadRssImage(baseUri);
            }
            else if (vocabulary == Vocabulary.Syndication && name == "updatePeriod")
            {
                period = Text();
            }
            else if (vocabulary == Vocabulary.Syndication && name == "updateFrequency")
            {
                frequency = Text();
            }
            else if (vocabulary == Vocabulary.DublinCore && name == "title")
            {
                document.Title = First(document.Title, Text());
            }
            else if (vocabulary == Vocabulary.DublinCore && name == "language")
            {
                document.Language = First(document.Language, Text());
            }
            else if (vocabulary == Vocabulary.DublinCore && name == "description")
            {
                description = First(description, Text());
            }
            else if (vocabulary == Vocabulary.ITunes && name == "subtitle")
            {
                itunesSubtitle = First(itunesSubtitle, Text());
            }
            else if (vocabulary == Vocabulary.ITunes && name == "summary")
            {
                itunesSummary = First(itunesSummary, Text());
            }
            else if (vocabulary == Vocabulary.ITunes && name == "image")
            {
                document.ImageUrl ??= Links.Resolve(reader.GetAttribute("href"), baseUri);
                reader.Skip();
            }
            else if (vocabulary == Vocabulary.Atom && name == "link")
            {
                var link = ReadAtomLink(baseUri);
                if (link.IsAlternate)
                {
                    document.Link ??= link.Href;
                }

                document.AddWebSubLink(link.Rel, link.Href);
            }
            else
            {
                reader.Skip();
            }
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }

        document.PublisherInterval ??= SyndicationInterval(period, frequency);
        document.Subtitle = First(document.Subtitle, description ?? itunesSubtitle ?? itunesSummary);
    }

    private void ReadRssImage(Uri? baseUri)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        while (reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element && Is(reader.LocalName, "url"))
            {
                document.ImageUrl = First(document.ImageUrl, Links.Resolve(Text(), baseUri));
            }
            else if (reader.NodeType == XmlNodeType.Element)
            {
                reader.Skip();
            }
            else
            {
                reader.Read();
            }
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }
    }

    private void ReadRssItem(Uri? baseUri)
    {
        var item = new FeedItem { Language = NullIfBlank(reader.XmlLang) };
        if (reader.HasAttributes)
        {
            item.Id = NullIfBlank(reader.GetAttribute("about", FeedNamespaces.Rdf));
            item.Link = Links.Resolve(reader.GetAttribute("href") ?? reader.GetAttribute("HREF"), baseUri);
            item.Updated = FeedDateParser.Parse(reader.GetAttribute("lastmod") ?? reader.GetAttribute("LASTMOD"));
        }

        if (reader.IsEmptyElement)
        {
            reader.Read();
            document.Add(item);
            return;
        }

        string? guid = null, description = null, secondDescription = null, fullItem = null, encoded = null, xhtmlBody = null,
            atomLink = null, atomContent = null, atomSummary = null, itunesSummary = null, itunesDuration = null;
        var fallback = new FallbackText();
        var guidIsPermaLink = true;
        var depth = reader.Depth;
        reader.Read();
        while (reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            var vocabulary = CurrentVocabulary();
            var name = reader.LocalName;
            if (IsCore(vocabulary))
            {
                switch (name.ToLowerInvariant())
                {
                    case "title":
                        item.Title = First(item.Title, Text());
                        break;
                    case "link":
                        var href = reader.GetAttribute("href");
                        item.Link = First(item.Link, Links.Resolve(Text() ?? href, baseUri));
                        break;
                    case "description" or "abstract" or "summary":
                        // Feeds that give two of these mean one as the summary and the other as the full text.
                        var text = Content();
                        if (description is null)
                        {
                            description = text;
                        }
                        else
                        {
                            secondDescription = First(secondDescription, text);
                        }

                        break;
                    case "fullitem":
                        fullItem = First(fullItem, Content());
                        break;
                    case "guid":
                        guidIsPermaLink = !string.Equals(reader.GetAttribute("isPermaLink")?.Trim(), "false", StringComparison.OrdinalIgnoreCase);
                        guid = First(guid, Text());
                        break;
                    case "pubdate":
                        item.Published = FirstDate(item.Published, Date());
                        break;
                    case "author":
                        item.Author = First(item.Author, Text());
                        break;
                    case "category":
                        AddCategory(item, Text());
                        break;
                    case "enclosure":
                        Media.AddEnclosure(item, reader.GetAttribute("url"), baseUri, reader.GetAttribute("type"), reader.GetAttribute("length"), duration: null);
                        reader.Skip();
                        break;
                    default:
                        reader.Skip();
                        break;
                }

                continue;
            }

            switch (vocabulary)
            {
                case Vocabulary.Content when name == "encoded":
                    encoded = First(encoded, Content());
                    break;
                case Vocabulary.Xhtml when name == "body":
                    xhtmlBody = First(xhtmlBody, XmlContent.Read(reader));
                    break;
                case Vocabulary.DublinCore when name == "creator" || name == "author":
                    item.Author = First(item.Author, Text());
                    break;
                case Vocabulary.DublinCore when name == "date":
                    item.Published = FirstDate(item.Published, Date());
                    break;
                case Vocabulary.DublinCore when name == "title":
                    item.Title = First(item.Title, Text());
                    break;
                case Vocabulary.DublinCore when name == "description":
                    description = First(description, Content());
                    break;
                case Vocabulary.DublinCore when name == "subject":
                    AddCategory(item, Text());
                    break;
                case Vocabulary.DublinCoreTerms when name == "modified":
                    item.Updated = FirstDate(item.Updated, Date());
                    break;
                case Vocabulary.DublinCoreTerms when name is "issued" or "created":
                    item.Published = FirstDate(item.Published, Date());
                    break;
                case Vocabulary.Atom when name == "link":
                    var link = ReadAtomLink(baseUri);
                    if (link.IsAlternate)
                    {
                        atomLink ??= link.Href;
                    }
                    else if (link.IsEnclosure)
                    {
                        Media.AddEnclosure(item, link.Href, baseUri: null, link.Type, link.Length, duration: null);
                    }

                    break;
                case Vocabulary.Atom when name == "updated":
                    item.Updated = FirstDate(item.Updated, Date());
                    break;
                case Vocabulary.Atom when name == "published":
                    item.Published = FirstDate(item.Published, Date());
                    break;
                case Vocabulary.Atom when name == "author":
                    item.Author = First(item.Author, ReadAtomPerson());
                    break;
                case Vocabulary.Atom when name == "content":
                    atomContent = First(atomContent, ReadAtomText());
                    break;
                case Vocabulary.Atom when name == "summary":
                    atomSummary = First(atomSummary, ReadAtomText());
                    break;
                case Vocabulary.ITunes when name == "author":
                    item.Author = First(item.Author, Text());
                    break;
                case Vocabulary.ITunes when name == "summary":
                    itunesSummary = First(itunesSummary, Content());
                    break;
                case Vocabulary.ITunes when name == "image":
                    item.ImageUrl ??= Links.Resolve(reader.GetAttribute("href"), baseUri);
                    reader.Skip();
                    break;
                case Vocabulary.ITunes when name == "duration":
                    itunesDuration = First(itunesDuration, Text());
                    break;
                case Vocabulary.Media:
                    ReadMedia(item, fallback, baseUri);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }

        Media.AddDuration(item, itunesDuration);
        item.Id ??= guid;
        item.Title ??= fallback.Title;
        item.Link ??= atomLink;
        if (item.Link is null && guid is not null && guidIsPermaLink && Links.HasWebScheme(guid))
        {
            item.Link = guid;
        }

        item.Summary = description ?? atomSummary ?? itunesSummary ?? fallback.Description;
        item.Content = encoded ?? xhtmlBody ?? fullItem ?? atomContent ?? secondDescription;
        document.Add(item);
    }

    /// <summary>Text from extensions (Media RSS, Dublin Core in Atom), used only when the item has none of its own.</summary>
    private sealed class FallbackText
    {
        public string? Title { get; set; }

        public string? Description { get; set; }
    }

    private void ReadMedia(FeedItem item, FallbackText fallback, Uri? baseUri)
    {
        var name = reader.LocalName;
        if (name == "title")
        {
            fallback.Title = First(fallback.Title, Text());
            return;
        }

        if (name == "description")
        {
            fallback.Description = First(fallback.Description, Content());
            return;
        }

        if (name == "thumbnail")
        {
            item.ImageUrl ??= Links.Resolve(reader.GetAttribute("url"), baseUri);
        }
        else if (name == "content")
        {
            // Images become the item's image, audio and video its enclosures; other media (a Flash player) are left out.
            var medium = reader.GetAttribute("medium");
            var type = reader.GetAttribute("type");
            var url = reader.GetAttribute("url");
            var kind = medium is not null ? medium.Trim().ToLowerInvariant()
                : Enclosures.KindOf(Enclosures.NormalizeMediaType(type) ?? (url is null ? null : Enclosures.GuessMediaType(url))) switch
                {
                    EnclosureKind.Image => "image",
                    EnclosureKind.Audio => "audio",
                    EnclosureKind.Video => "video",
                    _ => null,
                };
            if (kind == "image")
            {
                item.ImageUrl ??= Links.Resolve(url, baseUri);
            }
            else if (kind is "audio" or "video")
            {
                Media.AddEnclosure(item, url, baseUri, type, reader.GetAttribute("fileSize"), reader.GetAttribute("duration"), kind);
            }
        }

        if ((name == "group" || name == "content") && !reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (reader.Depth > depth)
            {
                if (reader.NodeType == XmlNodeType.Element && CurrentVocabulary() == Vocabulary.Media && reader.Depth < MaxNesting)
                {
                    ReadMedia(item, fallback, baseUri);
                }
                else if (reader.NodeType == XmlNodeType.Element)
                {
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                }
            }

            if (reader.NodeType == XmlNodeType.EndElement)
            {
                reader.Read();
            }

            return;
        }

        reader.Skip();
    }

    private static TimeSpan? SyndicationInterval(string? period, string? frequency)
    {
        var length = period?.ToLowerInvariant() switch
        {
            "hourly" => TimeSpan.FromHours(1),
            "daily" => TimeSpan.FromDays(1),
            "weekly" => TimeSpan.FromDays(7),
            "monthly" => TimeSpan.FromDays(30),
            "yearly" => TimeSpan.FromDays(365),
            _ => (TimeSpan?)null,
        };
        if (length is null)
        {
            return null;
        }

        var times = int.TryParse(frequency, out var parsed) && parsed > 0 ? parsed : 1;
        return length / times;
    }

    // ---------------------------------------------------------------- Atom

    private void ReadAtomFeed(Uri? baseUri)
    {
        document.Language ??= NullIfBlank(reader.XmlLang);
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        string? dublinCoreTitle = null, dublinCoreDescription = null;
        var depth = reader.Depth;
        reader.Read();
        while (reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            var vocabulary = CurrentVocabulary();
            if (vocabulary == Vocabulary.DublinCore && reader.LocalName is "title" or "description")
            {
                var isTitle = reader.LocalName == "title";
                var text = Text();
                dublinCoreTitle = isTitle ? First(dublinCoreTitle, text) : dublinCoreTitle;
                dublinCoreDescription = isTitle ? dublinCoreDescription : First(dublinCoreDescription, text);
                continue;
            }

            if (!IsAtom(vocabulary))
            {
                reader.Skip();
                continue;
            }

            switch (reader.LocalName)
            {
                case "entry":
                    ReadAtomEntry(ElementBase(baseUri));
                    break;
                case "title":
                    document.Title = First(document.Title, ReadAtomText());
                    break;
                case "subtitle" or "tagline":
                    document.Subtitle = First(document.Subtitle, ReadAtomText());
                    break;
                case "link":
                    var link = ReadAtomLink(baseUri);
                    if (link.IsAlternate)
                    {
                        document.Link ??= link.Href;
                    }

                    document.AddWebSubLink(link.Rel, link.Href);
                    break;
                case "icon" or "logo":
                    document.ImageUrl = First(document.ImageUrl, Links.Resolve(Text(), baseUri));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }

        document.Title ??= dublinCoreTitle;
        document.Subtitle ??= dublinCoreDescription;
    }

    private bool IsAtom(Vocabulary vocabulary)
        => vocabulary is Vocabulary.Atom or Vocabulary.None || (vocabulary == Vocabulary.Other && reader.NamespaceURI == rootNamespace);

    private void ReadAtomEntry(Uri? baseUri)
    {
        var item = new FeedItem { Language = NullIfBlank(reader.XmlLang) };
        var fallback = new FallbackText();
        if (reader.IsEmptyElement)
        {
            reader.Read();
            document.Add(item);
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        while (reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            var vocabulary = CurrentVocabulary();
            var name = reader.LocalName;
            if (IsAtom(vocabulary))
            {
                switch (name)
                {
                    case "title":
                        item.Title = First(item.Title, ReadAtomText());
                        break;
                    case "link":
                        var link = ReadAtomLink(ElementBase(baseUri));
                        if (link.IsAlternate)
                        {
                            item.Link ??= link.Href;
                        }
                        else if (link.IsEnclosure)
                        {
                            Media.AddEnclosure(item, link.Href, baseUri: null, link.Type, link.Length, duration: null);
                        }

                        break;
                    case "id":
                        item.Id = First(item.Id, Text());
                        break;
                    // A later date element overrides an earlier one (Atom 1.0 published after Atom 0.3 issued).
                    case "published" or "issued" or "created":
                        item.Published = Date() ?? item.Published;
                        break;
                    case "updated" or "modified":
                        item.Updated = Date() ?? item.Updated;
                        break;
                    case "author":
                        item.Author = First(item.Author, ReadAtomPerson());
                        break;
                    case "summary":
                        item.Summary = First(item.Summary, ReadAtomText());
                        break;
                    case "content":
                        item.Content = First(item.Content, ReadAtomText());
                        break;
                    case "category":
                        AddCategory(item, reader.GetAttribute("term") ?? reader.GetAttribute("label"));
                        reader.Skip();
                        break;
                    default:
                        reader.Skip();
                        break;
                }

                continue;
            }

            switch (vocabulary)
            {
                case Vocabulary.Media:
                    ReadMedia(item, fallback, baseUri);
                    break;
                case Vocabulary.DublinCore when name == "creator":
                    item.Author = First(item.Author, Text());
                    break;
                case Vocabulary.DublinCore when name == "title":
                    fallback.Title = First(fallback.Title, Text());
                    break;
                case Vocabulary.DublinCore when name == "description":
                    fallback.Description = First(fallback.Description, Content());
                    break;
                case Vocabulary.DublinCore when name == "date":
                    item.Published = FirstDate(item.Published, Date());
                    break;
                case Vocabulary.DublinCore when name == "subject":
                    AddCategory(item, Text());
                    break;
                case Vocabulary.Content when name == "encoded":
                    item.Content = First(item.Content, Content());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }

        item.Title ??= fallback.Title;
        item.Summary ??= fallback.Description;
        document.Add(item);
    }

    /// <param name="Type">The media type, read for enclosures only.</param>
    /// <param name="Length">The size in bytes as written, read for enclosures only.</param>
    private readonly record struct AtomLink(string? Href, string? Rel, bool IsAlternate, string? Type = null, string? Length = null)
    {
        public bool IsEnclosure => string.Equals(Rel, "enclosure", StringComparison.OrdinalIgnoreCase);
    }

    private AtomLink ReadAtomLink(Uri? baseUri)
    {
        var rel = reader.GetAttribute("rel")?.Trim();
        var (type, length) = string.Equals(rel, "enclosure", StringComparison.OrdinalIgnoreCase) ? (reader.GetAttribute("type"), reader.GetAttribute("length")) : default;
        var href = reader.GetAttribute("href") ?? reader.GetAttribute("url");
        var linkBase = ElementBase(baseUri);
        var text = href is null ? Text() : null;
        if (href is not null)
        {
            reader.Skip();
        }

        var isAlternate = string.IsNullOrEmpty(rel) || rel.Equals("alternate", StringComparison.OrdinalIgnoreCase);
        return new AtomLink(Links.Resolve(href ?? text, linkBase), rel, isAlternate, type, length);
    }

    /// <summary>An Atom person construct as one string: the name, else the e-mail address, else the text.</summary>
    private string? ReadAtomPerson()
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return null;
        }

        string? name = null, email = null;
        var text = new StringBuilder();
        var depth = reader.Depth;
        reader.Read();
        while (reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "name":
                        name = First(name, Text());
                        break;
                    case "email":
                        email = First(email, Text());
                        break;
                    default:
                        reader.Skip();
                        break;
                }

                continue;
            }

            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
            {
                text.Append(reader.Value);
            }

            reader.Read();
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read();
        }

        return name ?? email ?? NullIfBlank(text.ToString());
    }

    /// <summary>An Atom text construct (type text|html|xhtml; Atom 0.3 mode escaped|base64|xml).</summary>
    private string? ReadAtomText()
    {
        var type = reader.GetAttribute("type")?.Trim().ToLowerInvariant();
        var mode = reader.GetAttribute("mode")?.Trim().ToLowerInvariant();
        string value;
        if (type is "xhtml" or "application/xhtml+xml")
        {
            value = XmlContent.ReadXhtml(reader);
        }
        else
        {
            value = XmlContent.Read(reader);
            if (mode == "base64" || (mode is null && IsBinaryMediaType(type)))
            {
                value = DecodeBase64(value);
            }
        }

        return NullIfBlank(value);
    }

    /// <summary>Atom 1.0: content of a media type that is neither text nor XML is base64.</summary>
    private static bool IsBinaryMediaType(string? type)
        => type is not null && type.Contains('/') && !type.StartsWith("text/", StringComparison.Ordinal)
            && !type.EndsWith("+xml", StringComparison.Ordinal) && !type.EndsWith("/xml", StringComparison.Ordinal);

    private static string DecodeBase64(string value)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value.Trim()));
        }
        catch (FormatException)
        {
            return value;
        }
    }

    // ---------------------------------------------------------------- shared

    /// <summary>The current element's content, trimmed, or null when blank.</summary>
    private string? Text() => NullIfBlank(XmlContent.Read(reader))?.Trim();

    /// <summary>The current element's content as given (HTML keeps its whitespace), or null when blank.</summary>
    private string? Content() => NullIfBlank(XmlContent.Read(reader));

    private DateTimeOffset? Date() => FeedDateParser.Parse(XmlContent.Read(reader));

    /// <summary>Keeps the first value a feed gives; the candidate is always evaluated so its element is consumed.</summary>
    private static string? First(string? current, string? candidate) => string.IsNullOrEmpty(current) ? candidate ?? current : current;

    /// <inheritdoc cref="First"/>
    private static DateTimeOffset? FirstDate(DateTimeOffset? current, DateTimeOffset? candidate) => current ?? candidate;

    private static void AddCategory(FeedItem item, string? category)
    {
        if (!string.IsNullOrWhiteSpace(category))
        {
            item.Categories.Add(category.Trim());
        }
    }

    private static bool Is(string name, string expected) => name.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
