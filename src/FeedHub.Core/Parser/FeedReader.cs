using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using FeedHub.Core.Charsets;

namespace FeedHub.Core.Parser;

/// <summary>Reads RSS, Atom and JSON Feed documents liberally; thread-safe, one instance per process.</summary>
public sealed partial class FeedReader
{
    /// <summary>The error of a document that is a web page rather than a feed (a curator reads it).</summary>
    public const string HtmlPageError = "this is an HTML page, not a feed";

    private readonly FeedReaderOptions options;
    private readonly XmlReaderSettings strictSettings;
    private readonly XmlReaderSettings repairingSettings;

    /// <param name="options">Budgets and caps; the defaults of <see cref="FeedReaderOptions"/> when null.</param>
    public FeedReader(FeedReaderOptions? options = null)
    {
        this.options = options ?? new FeedReaderOptions();
        if (this.options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        // Built once: XmlReader.Create only reads its settings, so every document and thread can share them.
        strictSettings = Settings(this.options.MaxCharactersInDocument, checkCharacters: true);
        repairingSettings = Settings(this.options.MaxCharactersInDocument, checkCharacters: false);
    }

    /// <param name="body">The raw bytes as received (any encoding).</param>
    /// <param name="contentType">The HTTP Content-Type header; its charset is used unless the document starts with a byte order mark.</param>
    /// <param name="location">Where the document was fetched from, to resolve relative links.</param>
    /// <returns>
    /// The document, never null: unreadable input gives a document with an <see cref="FeedDocument.Error"/>, and a
    /// document that uses up <see cref="FeedReaderOptions.TimeBudget"/> is <see cref="FeedDocument.Refused"/>.
    /// </returns>
    public FeedDocument Read(ReadOnlyMemory<byte> body, string? contentType = null, Uri? location = null)
    {
        var budget = ParseBudget.Start(options.TimeBudget);
        try
        {
            var document = ReadDocument(body, contentType, location, budget);
            document.Complete();
            return document;
        }
        catch (ParseBudgetExceededException exception)
        {
            return new FeedDocument { Error = exception.Message, Refused = true };
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return new FeedDocument { Error = $"could not read the document: {exception.Message}" };
        }
    }

    private FeedDocument ReadDocument(ReadOnlyMemory<byte> body, string? contentType, Uri? location, ParseBudget budget)
    {
        var bytes = body.Span;
        if (IsBlank(bytes))
        {
            return new FeedDocument { Error = "empty document" };
        }

        if (LooksBinary(bytes))
        {
            return new FeedDocument { Error = "binary data, not a feed" };
        }

        var charset = CharsetDetector.Detect(bytes, contentType);
        var first = bytes[charset.PreambleLength..].TrimStart(" \t\r\n"u8);
        if (!first.IsEmpty && first[0] is (byte)'{' or (byte)'[')
        {
            var document = new FeedDocument(options);
            var utf8 = charset.Encoding is UTF8Encoding
                ? body[charset.PreambleLength..]
                : Encoding.UTF8.GetBytes(CharsetDetector.Decode(bytes, charset));
            JsonFeedParser.Parse(utf8, document, location, budget);
            return document;
        }

        var reading = charset.Problem is null && charset.Encoding is UTF8Encoding ? XmlByteScan.Check(bytes[charset.PreambleLength..]) : StrictReading.Refused;
        if (reading != StrictReading.Refused)
        {
            var document = new FeedDocument(options);
            try
            {
                XmlFeedParser.Parse(CreateStrictReader(body[charset.PreambleLength..], budget), document, location);
                if (document.IsFeed)
                {
                    if (reading == StrictReading.CleanWithC1Controls)
                    {
                        MapWindows1252Controls(document);
                    }

                    return document;
                }

                // Well-formed but not a feed: the repairing path tells an HTML page from other XML.
            }
            catch (Exception exception) when (exception is XmlException or DecoderFallbackException)
            {
                // Not well-formed (or not UTF-8 after all): start again on the repairing path, which reads what can be read and says what was wrong.
            }
        }

        return ReadRepairing(bytes, charset, location, budget);
    }

    private static void MapWindows1252Controls(FeedDocument document)
    {
        static string? Map(string? text) => text is null ? null : XmlTextRepair.MapWindows1252Controls(text);

        document.Title = Map(document.Title);
        document.Subtitle = Map(document.Subtitle);
        foreach (var item in document.Items)
        {
            item.Title = Map(item.Title);
            item.Author = Map(item.Author);
            item.Summary = Map(item.Summary);
            item.Content = Map(item.Content);
        }
    }

    /// <summary>The fast path: a well-formed UTF-8 document read straight off its bytes.</summary>
    private XmlReader CreateStrictReader(ReadOnlyMemory<byte> body, ParseBudget budget)
    {
        var stream = MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        var text = new BudgetedTextReader(new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false), budget);
        return XmlReader.Create(text, strictSettings);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private FeedDocument ReadRepairing(ReadOnlySpan<byte> bytes, CharsetDetection charset, Uri? location, ParseBudget budget)
    {
        var text = CharsetDetector.Decode(bytes, charset);
        var document = new FeedDocument(options);
        if (IsHtmlPage(text))
        {
            document.Error = PageTitle(text) is { } title ? $"{HtmlPageError} (the page is titled \u201c{title}\u201d)" : HtmlPageError;
            return document;
        }

        budget.ThrowIfSpent();
        var repaired = XmlTextRepair.Repair(text, budget);
        if (repaired.Refusal is not null)
        {
            document.Error = repaired.Refusal;
            return document;
        }

        var problems = new List<string>();
        if (charset.Problem is not null)
        {
            problems.Add(charset.Problem);
        }

        problems.AddRange(repaired.Problems);
        document = ParseXml(repaired.Text, location, problems, budget);
        if (document.Error is null && problems.Count > 0)
        {
            document.Error = string.Join("; ", problems);
        }

        return document;
    }

    private FeedDocument ParseXml(string text, Uri? location, List<string> problems, ParseBudget budget)
    {
        var (document, error) = TryParse(text, location, budget, context: null);
        if (error is null)
        {
            return document;
        }

        XmlParserContext? context = null;
        var undeclared = UndeclaredPrefixes(text, budget);
        if (undeclared.Count > 0)
        {
            problems.Add($"undeclared namespace prefix{(undeclared.Count > 1 ? "es" : string.Empty)} {string.Join(", ", undeclared)}");
            context = ContextDeclaring(undeclared);
            (document, error) = TryParse(text, location, budget, context);
            if (error is null)
            {
                return document;
            }
        }

        if (!IsCutShort(error))
        {
            // Broken structure in the middle: rebalance the tags and read again, to get the items after the fault too.
            var (rebalanced, rebalancedError) = TryParse(XmlTagBalancer.Balance(text, budget), location, budget, context);
            if (rebalanced.IsFeed && rebalanced.ItemsRead >= document.ItemsRead)
            {
                problems.Add($"malformed XML at line {error.LineNumber}, position {error.LinePosition} (element structure repaired)");
                if (rebalancedError is not null)
                {
                    problems.Add(DescribeXmlError(rebalancedError, rebalanced));
                }

                return rebalanced;
            }
        }

        problems.Add(DescribeXmlError(error, document));
        return document;
    }

    private (FeedDocument Document, XmlException? Error) TryParse(string text, Uri? location, ParseBudget budget, XmlParserContext? context)
    {
        var document = new FeedDocument(options);
        try
        {
            XmlFeedParser.Parse(XmlReader.Create(new BudgetedTextReader(new StringReader(text), budget), repairingSettings, context), document, location);
            return (document, null);
        }
        catch (XmlException exception)
        {
            return (document, exception);
        }
    }

    private static bool IsCutShort(XmlException exception) => exception.Message.Contains("end of file", StringComparison.OrdinalIgnoreCase);

    private static string DescribeXmlError(XmlException exception, FeedDocument document)
    {
        if (exception.LineNumber == 0 && !document.IsFeed)
        {
            // The reader found no element at all (only comments, processing instructions or whitespace): it has no position to give.
            return "no XML elements found";
        }

        var what = IsCutShort(exception) ? "the document is cut short" : "malformed XML";
        return $"{what} at line {exception.LineNumber}, position {exception.LinePosition} (kept {document.ItemsRead} complete items)";
    }

    /// <summary>Never a DTD, never a resolver: no entity expansion, no file or network access.</summary>
    private static XmlReaderSettings Settings(long maxCharacters, bool checkCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1_000_000,
        MaxCharactersInDocument = maxCharacters,
        CheckCharacters = checkCharacters,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private static XmlParserContext ContextDeclaring(IReadOnlyList<string> prefixes)
    {
        var names = new NameTable();
        var namespaces = new XmlNamespaceManager(names);
        foreach (var prefix in prefixes)
        {
            namespaces.AddNamespace(prefix, FeedNamespaces.WellKnownNamespace(prefix) ?? $"urn:feedhub:undeclared:{prefix}");
        }

        return new XmlParserContext(names, namespaces, null, XmlSpace.None);
    }

    [GeneratedRegex(@"xmlns:([A-Za-z_][\w.-]*)\s*=", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PrefixDeclaration();

    /// <summary>
    /// Prefixes used on elements (<c>&lt;p:name</c>) or attributes (<c> p:name=</c>) that no xmlns: attribute anywhere
    /// declares. Uses are found from each colon outwards, which reads the text once rather than trying a match at
    /// every letter.
    /// </summary>
    private static List<string> UndeclaredPrefixes(string text, ParseBudget budget)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal) { "xml", "xmlns" };
        foreach (Match match in PrefixDeclaration().Matches(text))
        {
            declared.Add(match.Groups[1].Value);
        }

        var undeclared = new List<string>();
        for (var colon = text.IndexOf(':', StringComparison.Ordinal); colon >= 0; colon = text.IndexOf(':', colon + 1))
        {
            budget.Tick(16);
            var prefix = PrefixUsedAt(text, colon);
            if (prefix is not null && declared.Add(prefix))
            {
                undeclared.Add(prefix);
            }
        }

        return undeclared;
    }

    /// <summary>
    /// The prefix when the colon at <paramref name="colon"/> joins one to an element name (<c>&lt;p:name</c>) or to
    /// an attribute name (whitespace, <c>p:name</c>, optional whitespace, <c>=</c>); otherwise null. Names start with
    /// an ASCII letter or '_' and go on with the characters of <see cref="IsNameCharacter"/>.
    /// </summary>
    private static string? PrefixUsedAt(string text, int colon)
    {
        var start = colon;
        while (start > 0 && IsNameCharacter(text[start - 1]))
        {
            start--;
        }

        if (start == colon || start == 0 || !IsNameStart(text[start]) || colon + 1 >= text.Length || !IsNameStart(text[colon + 1]))
        {
            return null;
        }

        var before = text[start - 1];
        if (before != '<')
        {
            if (!char.IsWhiteSpace(before))
            {
                return null;
            }

            var end = colon + 2;
            while (end < text.Length && IsNameCharacter(text[end]))
            {
                end++;
            }

            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            if (end == text.Length || text[end] != '=')
            {
                return null;
            }
        }

        return text[start..colon];
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    /// <summary>What the regular expression class <c>[\w.-]</c> matches: letters, non-spacing marks, decimal digits, connector punctuation, '.' and '-'.</summary>
    private static bool IsNameCharacter(char c) => c is '.' or '-' || char.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation;

    private static bool IsBlank(ReadOnlySpan<byte> body) => body.TrimStart(" \t\r\n\0"u8).IsEmpty;

    /// <summary>Compressed, image or other binary data: NUL bytes in the head that UTF-16 does not explain.</summary>
    private static bool LooksBinary(ReadOnlySpan<byte> body)
    {
        var head = body[..Math.Min(body.Length, 512)];
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) || head.StartsWith("%PDF"u8) || head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]))
        {
            return true;
        }

        var zeros = head.Count((byte)0);
        return zeros > 0 && zeros < head.Length / 4;
    }

    /// <summary>
    /// The title of a web page served where a feed was, shortened: a curator tells a bot challenge ("Just a moment..."),
    /// a sign-in page or a parked domain from a moved feed at a glance. Looked for in the page's first 16 KB only.
    /// </summary>
    internal static string? PageTitle(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 16 * 1024));
        var open = head.IndexOf("<title", StringComparison.OrdinalIgnoreCase);
        var tagEnd = open < 0 ? -1 : head[open..].IndexOf('>');
        if (tagEnd < 0)
        {
            return null;
        }

        var content = head[(open + tagEnd + 1)..];
        var close = content.IndexOf("</title", StringComparison.OrdinalIgnoreCase);
        var raw = System.Net.WebUtility.HtmlDecode(content[..Math.Min(close < 0 ? content.Length : close, 200)].ToString());
        // The title goes into the source's health: a control character is dropped, as feeds' own are, since PostgreSQL
        // refuses U+0000 (&#0;) in text, and the poll's save then failed and the health showed its encoding error. So
        // is a bidirectional control (an override, an embedding, an isolate, a mark), which would reorder the rest of
        // the line it is shown in (the error's closing words, the next source in `sources list`); a Hebrew or Arabic
        // title is kept as it is, the text's own directions shown by the Unicode bidirectional algorithm.
        var printable = new string([.. raw.Where(c => (!char.IsControl(c) || char.IsWhiteSpace(c)) && !IsBidiControl(c))]);
        var title = string.Join(' ', printable.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return title.Length == 0 ? null : title.Length <= 80 ? title : string.Concat(title.AsSpan(0, 79).TrimEnd(), "\u2026");
    }

    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>
    /// Does the text start the way an HTML page does: after whitespace, processing instructions and comments, an HTML
    /// doctype, or any doctype and then &lt;html&gt;, &lt;head&gt; or &lt;body&gt;? One forward scan of the first 8 KB:
    /// every step moves past what it read, so no input makes it slower than linear.
    /// </summary>
    internal static bool IsHtmlPage(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 8192)).TrimStart('\uFEFF');
        var doctypeSeen = false;
        while (true)
        {
            head = head.TrimStart();
            if (head.StartsWith("<?"))
            {
                var end = head[2..].IndexOf("?>");
                if (end < 0)
                {
                    return false;
                }

                head = head[(end + 4)..];
            }
            else if (head.StartsWith("<!--"))
            {
                var end = head[4..].IndexOf("-->");
                if (end < 0)
                {
                    return false;
                }

                head = head[(end + 7)..];
            }
            else if (!doctypeSeen && head.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            {
                var name = head["<!DOCTYPE".Length..];
                if (name.Length > 0 && char.IsWhiteSpace(name[0]) && StartsTag(name.TrimStart(), "html"))
                {
                    return true;
                }

                var end = head.IndexOf('>');
                if (end < 0)
                {
                    return false;
                }

                head = head[(end + 1)..];
                doctypeSeen = true;
            }
            else
            {
                return head.StartsWith("<") && (StartsTag(head[1..], "html") || StartsTag(head[1..], "head") || StartsTag(head[1..], "body"));
            }
        }
    }

    /// <summary>Does <paramref name="text"/> start with the name, followed by whitespace or '&gt;'?</summary>
    private static bool StartsTag(ReadOnlySpan<char> text, string name)
        => text.StartsWith(name, StringComparison.OrdinalIgnoreCase) && text.Length > name.Length && (char.IsWhiteSpace(text[name.Length]) || text[name.Length] == '>');

}
