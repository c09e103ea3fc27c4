using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace FeedHub.Core.Readability;

/// <summary>
/// What class names, ids and short texts say about a block: the words sites use for the parts around an article
/// (sharing, author boxes, related links, comments, navigation…) and for the article body itself.
/// </summary>
internal static partial class ClassVocabulary
{
    /// <summary>Past this many distinct class strings the cache starts over (a crawler sees many sites).</summary>
    private const int MaxCachedClassNames = 100_000;

    /// <summary>Pages repeat the same few hundred class strings on thousands of elements: classify each once.</summary>
    private static readonly ConcurrentDictionary<string, ClassKinds> Classified = new(StringComparer.Ordinal);

    [Flags]
    private enum ClassKinds
    {
        None = 0,
        Boilerplate = 1,
        ContentLike = 2,
        ArticleBody = 4,
    }

    /// <summary>Class or id of something around the article rather than in it.</summary>
    public static bool IsBoilerplate(string classAndId) => Classify(classAndId).HasFlag(ClassKinds.Boilerplate);

    /// <summary>Class or id that usually belongs to the article or its main column.</summary>
    public static bool IsContentLike(string classAndId) => Classify(classAndId).HasFlag(ClassKinds.ContentLike);

    /// <summary>Class or id that names the article body itself.</summary>
    public static bool IsArticleBody(string classAndId) => Classify(classAndId).HasFlag(ClassKinds.ArticleBody);

    private static ClassKinds Classify(string classAndId)
    {
        if (classAndId.Length == 0)
        {
            return ClassKinds.None;
        }

        if (Classified.TryGetValue(classAndId, out var kinds))
        {
            return kinds;
        }

        kinds = (Boilerplate().IsMatch(classAndId) && !EmbeddedPost().IsMatch(classAndId) ? ClassKinds.Boilerplate : ClassKinds.None)
            | (ContentLike().IsMatch(classAndId) ? ClassKinds.ContentLike : ClassKinds.None)
            | (ArticleBody().IsMatch(classAndId) ? ClassKinds.ArticleBody : ClassKinds.None);
        if (Classified.Count >= MaxCachedClassNames)
        {
            Classified.Clear();
        }

        Classified[classAndId] = kinds;
        return kinds;
    }

    /// <summary>A whole (short, normalised) block that is a widget label: "Share", "Follow me", "Back to top", "3 comments"…</summary>
    public static bool IsBoilerplatePhrase(string normalizedText) =>
        normalizedText.Length <= 60 && BoilerplatePhrase().IsMatch(normalizedText);

    /// <summary>A short (normalised) block that asks the reader to do something other than read: subscribe, follow, share, read more.</summary>
    public static bool IsCallToAction(string normalizedText) =>
        normalizedText.Length <= 240 && CallToAction().IsMatch(normalizedText);

    /// <summary>A short (normalised) block that only credits a photo.</summary>
    public static bool IsPhotoCredit(string normalizedText) =>
        normalizedText.Length <= 120 && PhotoCredit().IsMatch(normalizedText);

    [GeneratedRegex("""
        share|sharing|social|follow|author[-_]?(bio|box|info|card|profile|details|meta)|about[-_]?(the[-_]?)?author|byline
        |related|recommend|read[-_]?more|more[-_]?(stories|articles|from|news)|newsletter|subscri|sign[-_]?up
        |comment|disqus|respond|repl(y|ies)|breadcrumb|tag[-_]?(list|cloud|s[-_]?list)|(post|article|entry)[-_]?tags
        |(?<![a-z])tags(?![a-z])|categories|back[-_]?to[-_]?top|scroll[-_]?(to[-_]?)?top|go[-_]?top|totop|to[-_]top
        |advert|(?<![a-z])ads?(?![a-z])|(?<![a-z])ad[-_]|sponsor|promo|sidebar|widget|footer|masthead|(?<![a-z])header
        |navbar|(?<![a-z])nav(?![a-z])|navigation|menu|pagination|pager|popup|modal|cookie|consent|gdpr|paywall
        |toolbar|rating|outbrain|taboola|trending|popular|most[-_]?read|skip[-_]?link|hidden|visually[-_]?hidden
        |sr[-_]only|screen[-_]?reader|print[-_]?(only|button)|jump[-_]?link|newsletter|donat|banner|overlay|dateline
        |timestamp|publish(ed)?[-_]?(date|time|on)|post[-_]?(date|meta|info)|entry[-_]?(meta|footer|date)|article[-_]?meta
        |(tooltip|popover|rollover|hover[-_]?card)[-_a-z]*[-_](block|content|body|inner|box|card|container)
        |next[-_]?prev|prev[-_]?next|(previous|next|prev)[-_](post|article|story|entry|link)|(?<![a-z])btn(?![a-z])|button
        |noscript|nocontent|noprint|photo[-_]?credit|image[-_]?credit|copyright|gallery|slideshow|carousel|slider|lightbox
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Boilerplate();

    [GeneratedRegex("embed|twitter-tweet|instagram-media|tiktok|(?<![a-z])tweet", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EmbeddedPost();

    [GeneratedRegex("""
        ^(like this (story|article|post)|share (it|this|the story|the article) with|subscribe (to|now|today)|sign up (for|to|now)
        |get (the latest|our|more)|follow (us|me|him|her|them)( on| at|$)|have a tip|you (may|might) (also )?(like|enjoy|be interested)
        |more great|recommended( for you)?:|related( coverage| reading| articles| stories)?:|read (more|next|also)[:.…]|don'?t miss
        |also read|see also:|watch:|click here|this (article|story) (was|is) (originally|first)? ?(published|produced)
        |abonnez-vous|inscrivez-vous|suivez-nous|abonnieren sie|folgen sie uns)
        |@\w+ on (twitter|instagram|facebook)|(may|can) be reached at|newsletters?[.!]?$|all rights reserved
        """, RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex CallToAction();

    [GeneratedRegex(@"^(photos?|foto|фото|image|picture|credit|crédit( photo)?|photo credit|bild|illustration|source photo)\s*[:/©]",
        RegexOptions.CultureInvariant)]
    private static partial Regex PhotoCredit();

    [GeneratedRegex("article|body|content|entry|hentry|main|post|text|blog|story|prose|column",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ContentLike();

    [GeneratedRegex("""
        article[-_]?body|articlebody|article[-_]{0,2}(content|text|copy)|story[-_]?(body|content|text)
        |entry[-_]?(content|body)|post[-_]?(body|content|entry|text)|body[-_]?(text|copy)|rich[-_]?text
        |content[-_]?body|page[-_]?content|blog[-_]?post[-_]?(body|content)|(?<![a-z])prose(?![a-z])
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex ArticleBody();

    [GeneratedRegex("""
        ^(advertisement|advertising|advert|ad|sponsored( content)?|share( (this|the))?( article| story| post| page)?( on [a-z]+)?
        |follow( me| us)?( on [a-z]+)?|back to top|to top|read more|continue reading|related( articles| stories| posts| content)?
        |comments?|\d+ (comments?|responses?|replies)|no comments( yet)?|leave a (comment|reply)|add (a )?comment|print
        |un commentaire|\d+ commentaires?|laisser un commentaire|bouton retour en haut de la page|retour en haut( de la page)?
        |publicit[ée]|partager( cet article| sur [a-z]+)?|lire aussi|[àa] lire aussi|voir aussi|lire la suite
        |anzeige|werbung|teilen|mehr zum thema|lesen sie auch|nach oben|zum seitenanfang|kommentare?|\d+ kommentare?
        |publicidad|compartir|comentarios|leer m[áa]s|pubblicit[àa]|condividi|commenti
        |広告|シェア|関連記事|続きを読む|コメント|ツイート|广告|分享|相关文章|相关阅读|返回顶部|评论|阅读全文
        |إعلان|مشاركة|تعليقات|اقرأ أيضا|פרסומת|שתף|תגובות)[\s\p{P}\p{S}]*$
        """, RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex BoilerplatePhrase();
}
