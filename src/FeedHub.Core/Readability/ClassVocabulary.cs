using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace FeedHub.Core.Readability;

/// <summary>
/// What class names, ids and short texts say about a block: the words sites use for the parts around an article
/// (sharing, author boxes, related links, comments, navigation…) and for the article body itself.
/// </summary>
internal static partial class ClassVocabulary
{
    /// <summary>Past this many distinct class strings a thread's cache starts over (a crawler sees many sites).</summary>
    private const int MaxCachedClassNames = 100_000;

    /// <summary>
    /// Page text is hostile input: the patterns added here run with a time limit (generated, backtracking code starts
    /// far faster than the non-backtracking engine, which a one-shot extraction pays on every run). The texts they
    /// see are a few hundred characters at most.
    /// </summary>
    private const int MatchTimeoutMilliseconds = 250;

    /// <summary>Letters a dateline may have beside its date: "Aktualisiert", "Published on", "am … um … Uhr".</summary>
    private const int MaxDatelineLetters = 16;

    /// <summary>
    /// Pages repeat the same few hundred class strings on thousands of elements: each thread classifies each once. A
    /// cache of its own per thread takes no lock: a shared one took one for every new string (every id is one), which
    /// cost more than all of the rest of the classification.
    /// </summary>
    [ThreadStatic]
    private static Dictionary<string, ClassKinds>? t_classified;

    // Matched inside each class name with '-' and '_' removed ("author-bio", "author_bio", "authorBio" alike).
    private static readonly string[] BoilerplateFragments =
    [
        "share", "sharing", "social", "follow", "authorbio", "authorbox", "authorinfo", "authorcard", "authorprofile",
        "authordetails", "authormeta", "aboutauthor", "abouttheauthor", "byline", "related", "recommend", "readmore",
        "morestories", "morearticles", "morefrom", "morenews", "newsletter", "subscri", "signup", "comment", "disqus",
        "respond", "reply", "replies", "breadcrumb", "taglist", "tagcloud", "tagslist", "posttags", "articletags",
        "entrytags", "categories", "backtotop", "scrolltop", "scrolltotop", "gotop", "totop", "advert", "sponsor", "promo",
        "sidebar", "widget", "footer", "masthead", "navbar", "navigation", "menu", "pagination", "popup", "modal",
        "cookie", "consent", "gdpr", "paywall", "toolbar", "rating", "outbrain", "taboola", "trending", "popular",
        "mostread", "skiplink", "hidden", "sronly", "screenreader", "printonly", "printbutton", "jumplink", "donat",
        "banner", "overlay", "dateline", "timestamp", "publishdate", "publishtime", "publishon", "publisheddate",
        "publishedtime", "publishedon", "postdate", "postmeta", "postinfo", "entrymeta", "entryfooter", "entrydate",
        "articlemeta", "nextprev", "prevnext", "previouspost", "previousarticle", "previousstory", "previousentry",
        "previouslink", "nextpost", "nextarticle", "nextstory", "nextentry", "nextlink", "prevpost", "prevarticle",
        "prevstory", "prevlink", "button", "noscript", "nocontent", "photocredit", "imagecredit", "copyright",
        "gallery", "slideshow", "carousel", "slider", "lightbox", "ai2html", "chart", "interactivegraphic", "hatnote",
        "infobox", "readalso", "alsoread", "lesenauch", "lireaussi", "leetambien", "leggianche",
    ];

    // Short words that only count on their own ("ad-slot", "nav", not "load" or "canvas"; "pager", not "PageRoot").
    private static readonly HashSet<string> BoilerplateWords = new(StringComparer.Ordinal) { "ad", "ads", "tags", "nav", "btn", "pager" };

    // Hover cards and tooltips hide their text until the pointer is over a name: their inner box is not article text.
    private static readonly string[] HoverCardFragments = ["tooltip", "popover", "rollover", "hovercard"];
    private static readonly string[] HoverCardInnerEndings = ["block", "content", "body", "inner", "box", "card", "container"];

    // Embedded posts (tweets, Instagram) are quoted as part of the article even when their wrapper says "social";
    // typeset formulas are article text even when the typesetter's class says "menu".
    private static readonly string[] EmbeddedContentFragments = ["embed", "twittertweet", "instagrammedia", "tiktok", "mathjax", "katex"];

    private static readonly string[] GalleryFragments = ["gallery", "slideshow", "carousel"];

    private static readonly string[] CaptionFragments = ["caption", "credit", "legend", "imagedescription", "bildunterschrift"];

    private static readonly string[] ContentLikeFragments =
        ["article", "body", "content", "entry", "main", "post", "text", "blog", "story", "prose", "column"];

    private static readonly string[] ArticleBodyFragments =
    [
        "articlebody", "articlecontent", "articletext", "articlecopy", "storybody", "storycontent", "storytext",
        "entrycontent", "entrybody", "postbody", "postcontent", "postentry", "posttext", "bodytext", "bodycopy", "richtext",
        "contentbody", "pagecontent", "blogpostbody", "blogpostcontent",
    ];

    /// <summary>
    /// What the element's class and id say: <see cref="ClassKinds.Boilerplate"/> for something around the article,
    /// <see cref="ClassKinds.ContentLike"/> for the article or its column, <see cref="ClassKinds.ArticleBody"/> for the
    /// body itself, <see cref="ClassKinds.Gallery"/> for a photo gallery or slideshow. An id made from a heading's words
    /// ("sharing-with-a-single-developer") says what a section is about, not what kind of block it is: it is ignored.
    /// </summary>
    public static ClassKinds KindsOf(IElement element)
    {
        var kinds = element.GetAttribute("class") is { Length: > 0 } className ? Classify(className) : ClassKinds.None;
        if (element.GetAttribute("id") is { Length: > 0 } id && !(id.Length >= 20 && id.AsSpan().Count('-') + id.AsSpan().Count('_') >= 3))
        {
            kinds |= Classify(id);
        }

        return kinds;
    }

    private static ClassKinds Classify(string classAndId)
    {
        var classified = t_classified ??= new Dictionary<string, ClassKinds>(StringComparer.Ordinal);
        if (classified.TryGetValue(classAndId, out var kinds))
        {
            return kinds;
        }

        if (classified.Count >= MaxCachedClassNames)
        {
            classified.Clear();
        }

        kinds = Compute(classAndId);
        classified.Add(classAndId, kinds);
        return kinds;
    }

    /// <summary>A whole (short, normalised) block that is a widget label: "Share", "Follow me", "Back to top", "3 comments"…</summary>
    public static bool IsBoilerplatePhrase(string normalizedText) =>
        normalizedText.Length <= 60 && BoilerplatePhrase().IsMatch(normalizedText);

    /// <summary>A short (normalised) block that asks the reader to do something other than read: subscribe, follow, share, read more.</summary>
    public static bool IsCallToAction(string normalizedText) =>
        normalizedText.Length <= 240 && CallToAction().IsMatch(normalizedText);

    /// <summary>A short (normalised) block that only names the author: "By Jane Doe", "Par Jean Dupont", "Von Max Muster".</summary>
    public static bool IsByline(string normalizedText) =>
        normalizedText.Length <= 200 && Byline().IsMatch(normalizedText);

    /// <summary>
    /// A (normalised) block that is a notice about the page rather than part of the text: affiliate-link disclosures,
    /// reprint and copyright terms, comment-moderation rules.
    /// </summary>
    public static bool IsNotice(string normalizedText) =>
        normalizedText.Length <= 400 && Matches(Notice(), normalizedText);

    /// <summary>
    /// A short (normalised) block that opens what follows the article proper: contact details, "further information"
    /// link lists, "about us" paragraphs of a press release.
    /// </summary>
    public static bool IsClosingLabel(string normalizedText) =>
        normalizedText.Length <= 60 && Matches(ClosingLabel(), normalizedText);

    /// <summary>The heading of a comment thread: "Comments", "3 Kommentare", "Leave a reply", "Kommentare schreiben"…</summary>
    public static bool IsCommentHeading(string normalizedText) =>
        normalizedText.Length <= 60 && Matches(CommentHeading(), normalizedText);

    /// <summary>A short (normalised) block that is only a date, perhaps with a time and a word or two ("Updated:", "am").</summary>
    public static bool IsDateline(string normalizedText)
    {
        if (normalizedText.Length > 60)
        {
            return false;
        }

        try
        {
            return DateOrTime().IsMatch(normalizedText)
                && DateOrTime().Replace(normalizedText, string.Empty).Count(char.IsLetter) <= MaxDatelineLetters;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>An advertisement label, whatever punctuation surrounds it ("- Anzeige -", "[Reklama]").</summary>
    public static bool IsAdvertisementLabel(string normalizedText) =>
        normalizedText.Length <= 40 && Matches(AdvertisementLabel(), normalizedText);

    /// <summary>A pattern that runs out of time on hostile text has not recognised it: the block stays.</summary>
    private static bool Matches(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>A short (normalised) block that only credits a photo.</summary>
    public static bool IsPhotoCredit(string normalizedText) =>
        normalizedText.Length <= 120 && PhotoCredit().IsMatch(normalizedText);

    private static ClassKinds Compute(string classAndId)
    {
        var boilerplate = false;
        var embedded = false;
        var contentLike = false;
        var articleBody = false;
        var gallery = false;
        var caption = false;
        var header = false;
        foreach (var className in classAndId.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // "commentary" is an article genre, not a comment thread.
            var compact = className.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal)
                .Replace("commentary", "opinion", StringComparison.Ordinal);
            var words = className.Split(['-', '_', ':', '.'], StringSplitOptions.RemoveEmptyEntries);
            contentLike |= ContainsAny(compact, ContentLikeFragments);
            articleBody |= ContainsAny(compact, ArticleBodyFragments) || words.Contains("prose");
            embedded |= ContainsAny(compact, EmbeddedContentFragments) || words.Any(word => word.StartsWith("tweet", StringComparison.Ordinal));

            // "section--has-ad", "no-share", "with-caption" say what a block holds or lacks, not what it is: only the
            // words before such a flag name the block.
            var flag = Array.FindIndex(words, word => word is "has" or "no" or "with" or "without");
            if (flag >= 0)
            {
                words = words[..flag];
                compact = string.Concat(words);
            }

            boilerplate |= ContainsAny(compact, BoilerplateFragments)
                || words.Any(word => BoilerplateWords.Contains(word))
                || ContainsAny(compact, HoverCardFragments) && HoverCardInnerEndings.Any(ending => compact.EndsWith(ending, StringComparison.Ordinal));
            header |= words.Any(word => word.StartsWith("header", StringComparison.Ordinal));
            gallery |= ContainsAny(compact, GalleryFragments);
            caption |= ContainsAny(compact, CaptionFragments);
        }

        return ((boilerplate || header) && !embedded ? ClassKinds.Boilerplate : ClassKinds.None)
            | (header && !boilerplate ? ClassKinds.Header : ClassKinds.None)
            | (contentLike ? ClassKinds.ContentLike : ClassKinds.None)
            | (articleBody ? ClassKinds.ArticleBody : ClassKinds.None)
            | (gallery ? ClassKinds.Gallery : ClassKinds.None)
            | (caption ? ClassKinds.Caption : ClassKinds.None);
    }

    private static bool ContainsAny(string text, string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            if (text.Contains(fragment, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("""
        ^(like\sthis\s(story|article|post)|share\s(it|this|the\sstory|the\sarticle)\swith|subscribe\s(to|now|today)|sign\sup\s(for|to|now)
        |get\s(the\slatest|our|more)|follow\s(us|me|him|her|them)(\son|\sat|$)|have\sa\stip|you\s(may|might)\s(also\s)?(like|enjoy|be\sinterested)
        |more\sgreat|recommended(\sfor\syou)?:|related(\scoverage|\sreading|\sarticles|\sstories)?:|read\s(more|next|also)[:.…]|don'?t\smiss
        |also\sread|see\salso:|watch:|click\shere|originally\spublished\s(at|on|in|by)|this\s(article|story)\s(was|is)\s(originally|first)?\s?(published|produced)
        |abonnez-vous|inscrivez-vous|suivez-nous|abonnieren\ssie|folgen\ssie\suns)
        |^follow\s.{0,80}\son\s(facebook|twitter|instagram|linkedin)|^\[\w+[^\]]*\].*\[/\w+\]$
        |@\w+\son\s(twitter|instagram|facebook)|(may|can)\sbe\sreached\sat|newsletters?[.!]?$|all\srights\sreserved
        """, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex CallToAction();

    [GeneratedRegex("""
        (post|article|page|site|video)\s(may\s)?contains?\s(affiliate|sponsored|paid)|affiliate\s(and/or\s[a-z]+\s)?links?\b
        |copyrighted\s(property|material)|permission\s(must\sbe|is)\s(obtained|required)|reprint(ed)?\sin\s(online|print)
        |may\snot\sbe\s(re)?(published|reproduced|broadcast|rewritten|redistributed)|nachdruck\snur\smit|alle\srechte\svorbehalten
        |comments?\s(are|will\sbe)\s(moderated|reviewed)|kommentare\swerden\s.{0,30}(moderiert|freigeschaltet)
        |commenting\s(is|has\sbeen)\s(closed|disabled)|comments\sare\sclosed|(beitrag|artikel)\senthält\s(werbung|affiliate)
        """, RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace, MatchTimeoutMilliseconds)]
    private static partial Regex Notice();

    [GeneratedRegex("""
        ^(kontakt|contact|pressekontakt|press\scontact|media\scontact|medienkontakt|ansprechpartner(in)?|weitere\sinformationen
        |more\sinformation|further\sinformation|for\smore\sinformation|weitere\sbeitr[äa]ge|mehr\szum\sthema|über\suns|about\sus
        |pressemitteilung\sherunterladen|for\sfurther\sinformation|weiterführende\slinks|das\skönnte\ssie\sauch\sinteressieren)
        ([^.!?:]{0,50}:|:?)$
        """, RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace, MatchTimeoutMilliseconds)]
    private static partial Regex ClosingLabel();

    [GeneratedRegex("""
        ^(\d+\s)?(comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|komentarze|responses|replies)
        (\s(schreiben|verfassen|zum\sartikel|to\s.{1,40}|on\s.{1,40}|\(\d+\)))?[\s:.!]*$
        |^(leave|post|write|add)\sa\s(comment|reply)|^(schreibe|hinterlasse)\s(einen|einen\sneuen)\skommentar|^laisser\sun\scommentaire
        |^(deja|escribe)\sun\scomentario|^lascia\sun\scommento|^join\sthe\s(discussion|conversation)|^diskutieren\ssie\smit
        """, RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace, MatchTimeoutMilliseconds)]
    private static partial Regex CommentHeading();

    [GeneratedRegex("""
        \d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}
        |\d{1,2}\.?\s(jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)[a-zäé]*\.?,?\s\d{4}
        |(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s\d{1,2}(st|nd|rd|th)?,?\s\d{4}
        |\d{1,2}:\d{2}(\s?(uhr|am|pm|h))?
        """, RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace, MatchTimeoutMilliseconds)]
    private static partial Regex DateOrTime();

    [GeneratedRegex("""
        ^[\s\p{P}\p{S}]*(reklama|anzeige|werbung|advertisement|advertising|publicit[ée]|pubblicit[àa]|publicidad|annonce|reklame|advertentie)[\s\p{P}\p{S}]*$
        """, RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace, MatchTimeoutMilliseconds)]
    private static partial Regex AdvertisementLabel();

    [GeneratedRegex(@"^(photos?|foto|фото|image|picture|credit|crédit( photo)?|photo credit|bild|illustration|source photo)\s*[:/©]|(^|[|/©]\s*)(getty\s?images|shutterstock|istock(photo)?|afp|reuters|associated press|ap photo|epa|dpa)(\s*/\s*[\w.]+)?[.)]?$",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex PhotoCredit();

    [GeneratedRegex(@"^\((reporting|writing|editing|additional reporting)\s+by\s.*\)$|^(by|par|von|por|door|di|av)\s+[^\s,.]+(\s+[^\s,.]+){0,3}(\s*,\s*[^\s]+(\s+[^\s]+){0,3}){0,2}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Byline();

    [GeneratedRegex("""
        ^(advertisement|advertising|advert|ad|sponsored(\scontent)?|share(\s(this|the))?(\sarticle|\sstory|\spost|\spage)?(\son\s[a-z]+)?
        |follow(\sme|\sus)?(\son\s[a-z]+)?|back\sto\stop|to\stop|read\smore|continue\sreading|related(\sarticles|\sstories|\sposts|\scontent)?
        |more|popular\son\s.+|trending(\snews|\snow|\sstories)?|most\s(popular|read|viewed|shared)|popular(\snow|\sstories|\sposts)?|top\sstories
        |latest(\snews|\sstories|\sposts)?|more\s(news|stories|from\s.+)|recommended(\sfor\syou|\sstories|\sreading)?|editor'?s\spicks?
        |what\sto\sread\snext|up\snext|you\smay\salso\slike|you\smight\salso\slike|related\slinks
        |comments?|\d+\s(comments?|responses?|replies)|no\scomments(\syet)?|leave\sa\s(comment|reply)|add\s(a\s)?comment|print
        |un\scommentaire|\d+\scommentaires?|laisser\sun\scommentaire|bouton\sretour\sen\shaut\sde\sla\spage|retour\sen\shaut(\sde\sla\spage)?
        |publicit[ée]|partager(\scet\sarticle|\ssur\s[a-z]+)?|lire\saussi|[àa]\slire\saussi|voir\saussi|lire\sla\ssuite
        |anzeige|werbung|teilen|mehr\szum\sthema|lesen\ssie\sauch|nach\soben|zum\sseitenanfang|kommentare?|\d+\skommentare?
        |publicidad|compartir|comentarios|leer\sm[áa]s|pubblicit[àa]|condividi|commenti
        |広告|シェア|関連記事|続きを読む|コメント|ツイート|广告|分享|相关文章|相关阅读|返回顶部|评论|阅读全文
        |إعلان|مشاركة|تعليقات|اقرأ\sأيضا|פרסומת|שתף|תגובות)[\s\p{P}\p{S}]*$
        """, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex BoilerplatePhrase();
}

/// <summary>What a class name or id says about a block (see <see cref="ClassVocabulary.KindsOf"/>).</summary>
[Flags]
internal enum ClassKinds
{
    None = 0,
    Boilerplate = 1,
    ContentLike = 2,
    ArticleBody = 4,
    Gallery = 8,

    /// <summary>A caption or credit of a picture.</summary>
    Caption = 16,

    /// <summary>A header, and nothing else boilerplate: the page's masthead or the article's own header (title, standfirst).</summary>
    Header = 32,
}
