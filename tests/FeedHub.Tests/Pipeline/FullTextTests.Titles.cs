using FeedHub.Core.Curation;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

public sealed partial class FullTextTests
{
    [Fact]
    public async Task The_page_heading_repeating_the_feed_item_s_title_is_not_part_of_the_article_text()
    {
        const string paragraph = "Nous avons publié la version 1.2, avec un nouveau moteur de recherche et des flux plus rapides pour tout le monde.";
        await using var site = LocalHttpServer.Serving(request => request.Path switch
        {
            "/feed.xml" => HttpReply.Text(200, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <rss version="2.0"><channel><title>Le blog</title><link>http://{request.Header("Host")}/</link>
                <item><title>Version 1.2</title><link>http://{request.Header("Host")}/posts/1-2</link><guid>v12</guid><description>Lire la suite…</description></item>
                </channel></rss>
                """, "application/rss+xml"),
            "/posts/1-2" => HttpReply.Text(200, $"""
                <!DOCTYPE html><html lang="fr"><head><title>Le blog</title></head>
                <body><article><h2>Version 1.2</h2>{string.Concat(Enumerable.Repeat($"<p>{paragraph}</p>", 8))}</article></body></html>
                """, "text/html; charset=utf-8"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var source = (await app.Get<SourceCatalog>().AddAsync(site.Url("feed.xml").AbsoluteUri, SourceSettings.None, default)).Source!;
        await app.Get<SourcePoller>().PollAsync(source.Id, default);
        var store = app.Get<IFeedStore>();
        var pending = (await store.ListArticlesAsync(new ArticleQuery(), default)).Single();

        await app.Get<FullTextFetcher>().CompleteAsync([pending.Id], default);

        var article = (await store.ListArticlesAsync(new ArticleQuery(), default)).Single();
        Assert.Equal(ExtractionState.Ok, article.Extraction);
        Assert.StartsWith(paragraph, article.ExtractedText, StringComparison.Ordinal);
        Assert.DoesNotContain("Version 1.2", article.ExtractedHtml, StringComparison.Ordinal);
    }
}
