namespace FeedHub.Core.Tests.Readability;

/// <summary>
/// A French blog post wrapped in the clutter of a real WordPress theme (the page behind
/// <c>shared/corpus/seed-article.txt</c>): title repeated in captions, share bar, "Follow me" author box with a bio,
/// comment count and a "back to top" button.
/// </summary>
internal static class BlogPage
{
    public const string Title = "La fin des médias sociaux ? poursuite du débat avec Hervé Kabla";

    public static readonly string[] Paragraphs =
    [
        "La fin des médias sociaux ? Encore ? Avec mon compère Hervé Kabla, qui poursuit la discussion entamée il y a peu sur ce blog, "
            + "et qui place résolument les médias sociaux sur la rampe de lancement de 2012-2013.",
        "Très simple. Quand on a créé l’Association Média ici, en 2009, il y avait une espèce de néant sur les schémas principaux, "
            + "les best practices d’utilisation des médias sociaux dans un cadre professionnel.",
        "J’ai une mauvaise nouvelle. C’est peut être la fin des médias sociaux tels qu’on les pratiquait ces deux dernières années, "
            + "une espèce de mode des médias sociaux, sans lien avec la stratégie.",
        "Mais on en reparle bientôt. Pour faire un point sur cette évolution des réseaux sociaux, avec grand plaisir, merci à bientôt.",
    ];

    public static readonly string[] Clutter =
    [
        "Follow me", "Yann Gourvennec created visionarymarketing.com in 1996", "Un commentaire", "Bouton retour en haut de la page",
        "Partager sur Facebook", "Tweeter",
    ];

    public static string WithClutter(bool classHints)
    {
        string Class(string name) => classHints ? $" class=\"{name}\"" : string.Empty;
        return $"""
            <!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
            <title>{Title} - Visionary Marketing</title><meta property="og:title" content="{Title}"></head>
            <body>
            <header{Class("site-header")}><a href="/">Visionary Marketing</a><ul><li><a href="/a">Accueil</a></li><li><a href="/b">Blog</a></li></ul></header>
            <div{Class("site-content")}><article{Class("post")}>
            <span{Class("post-cat")}>médias / réseaux sociaux</span>
            <h1{Class("post-title")}>{Title}</h1>
            <div{Class("entry-content")}>
            <p>{Paragraphs[0]}</p>
            <figure><img src="/img/kabla.jpg" alt=""><figcaption>{Title}</figcaption></figure>
            <p>{Paragraphs[1]}</p>
            <h2>{Title}</h2>
            <p>{Paragraphs[2]}</p>
            <p>{Paragraphs[3]}</p>
            </div>
            <div{Class("share-links")}><a href="https://facebook.com/sharer">Partager sur Facebook</a> <a href="https://twitter.com/intent">Tweeter</a></div>
            <div{Class("about-author")}><img src="/img/yann.jpg" alt=""><h3>Yann Gourvennec</h3><p><a href="/follow">Follow me</a></p>
            <p>Yann Gourvennec created visionarymarketing.com in 1996. He is a speaker and author of 6 books. More »</p></div>
            </article>
            <h3{Class("comments-title")}>Un commentaire</h3>
            </div>
            <a href="#"{Class("go-to-top")}>Bouton retour en haut de la page</a>
            </body></html>
            """;
    }
}
