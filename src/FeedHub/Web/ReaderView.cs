using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Publishing;

namespace FeedHub.Web;

/// <summary>Pieces of markup the reader pages share: an article's line of facts and its place in a list.</summary>
public static class ReaderView
{
    public static Markup Meta(Article article, Source? source, Digest clock)
    {
        var local = clock.ToLocal(article.SortDate);
        var sourceLink = source is null ? Markup.Empty : Markup.Of($"""<a class="source" href="/?source={source.Id}">{source.Name}</a>""");
        var author = article.Author is null ? Markup.Empty : Markup.Of($"""<span class="author">{article.Author}</span>""");
        var reading = article.WordCount > 0 ? Markup.Of($"""<span class="reading">{article.ReadingMinutes} min read</span>""") : Markup.Empty;
        return Markup.Of($"""
            <p class="meta">{sourceLink}{author}<time datetime="{article.SortDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}">{local.ToString("d MMM yyyy, HH:mm", CultureInfo.InvariantCulture)}</time>{reading}</p>
            """);
    }

    public static Markup ListItem(Story story, Digest clock)
    {
        var article = story.Article;
        var image = article.ImageUrl is null ? Markup.Empty
            : Markup.Of($"""<img class="lead" src="{article.ImageUrl}" alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer">""");
        var excerpt = article.Excerpt is null ? Markup.Empty : Markup.Of($"""<p class="excerpt" dir="auto">{article.Excerpt}</p>""");
        var alsoOn = story.Sources.Count < 2 ? Markup.Empty
            : Markup.Of($"""<p class="meta also">Also on {Markup.Join(story.Sources.Skip(1).Select(s => Markup.Of($"""<a href="/?source={s.Id}">{s.Name}</a>""")))}</p>""");
        return Markup.Of($"""
            <li class="entry" data-entry><article>
            {image}<h2 dir="auto"><a data-open href="/articles/{article.Id}">{article.Title ?? "(untitled)"}</a></h2>
            {Meta(article, story.Sources.Count > 0 ? story.Sources[0] : null, clock)}
            {alsoOn}{excerpt}
            </article></li>
            """);
    }
}
