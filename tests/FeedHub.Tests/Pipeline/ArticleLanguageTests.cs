using FeedHub.Core.Curation;
using FeedHub.Core.Ingest;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>
/// Where an article's language comes from, from real feeds and pages over HTTP: the item's own declaration, else the
/// feed's, else its page's, else a guess from its text.
/// </summary>
public sealed class ArticleLanguageTests
{
    private const string Hebrew = "זהו מאמר בעברית על החדשות של היום, והוא ארוך מספיק כדי לזהות את השפה שלו.";
    private const string English = "This is a post written in English about the news of the day, and it is long enough to tell.";

    [Fact]
    public async Task What_the_feed_declares_wins_then_the_page_then_a_guess()
    {
        await using var site = LocalHttpServer.Serving(request => request.Path switch
        {
            "/declared.xml" => HttpReply.Text(200, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <rss version="2.0"><channel><title>Declared</title><link>https://declared.example/</link><language>fr-fr</language>
                <item><title>Said to be French</title><guid>d1</guid><description>{English}</description></item>
                </channel></rss>
                """, "application/rss+xml"),
            "/entries.atom" => HttpReply.Text(200, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Entries</title><id>urn:entries</id><updated>2026-01-01T00:00:00Z</updated>
                <entry><id>urn:e1</id><title>In the feed's language</title><updated>2026-01-01T00:00:00Z</updated><content>{English}</content></entry>
                <entry xml:lang="he"><id>urn:e2</id><title>In its own</title><updated>2026-01-01T00:00:00Z</updated><content>{Hebrew}</content></entry>
                </feed>
                """, "application/atom+xml"),
            "/silent.xml" => HttpReply.Text(200, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <rss version="2.0"><channel><title>Silent</title><link>http://{request.Header("Host")}/</link>
                <item><title>Page says</title><link>http://{request.Header("Host")}/posts/page-says</link><guid>s1</guid><description>Read more…</description></item>
                <item><title>Page gone</title><link>http://{request.Header("Host")}/posts/gone</link><guid>s2</guid><description>{Hebrew} Read more…</description></item>
                </channel></rss>
                """, "application/rss+xml"),
            "/posts/page-says" => HttpReply.Text(200, $"""
                <!DOCTYPE html><html lang="pt-br"><head><title>Page says</title></head>
                <body><article><h1>Page says</h1>{string.Concat(Enumerable.Repeat("<p>Este é um artigo em português sobre as notícias do dia, longo o bastante para ser extraído da página.</p>", 12))}</article></body></html>
                """, "text/html; charset=utf-8"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var catalog = app.Get<SourceCatalog>();
        var poller = app.Get<SourcePoller>();
        var never = new SourceSettings { Extraction = ExtractionMode.Never };
        foreach (var (path, settings) in new[] { ("declared.xml", never), ("entries.atom", never), ("silent.xml", SourceSettings.None) })
        {
            var source = (await catalog.AddAsync(site.Url(path).AbsoluteUri, settings, default)).Source!;
            await poller.PollAsync(source.Id, default);
        }

        var store = app.Get<IFeedStore>();
        var pending = (await store.ListArticlesAsync(new ArticleQuery(), default)).Where(a => a.Extraction == ExtractionState.Pending).ToList();
        Assert.Equal(["Page gone", "Page says"], pending.Select(a => a.Title).Order());
        Assert.All(pending, a => Assert.Null(a.Language));
        await app.Get<FullTextFetcher>().CompleteAsync(pending.Select(a => a.Id).ToList(), default);

        var languages = (await store.ListArticlesAsync(new ArticleQuery(), default)).ToDictionary(a => a.Title!, a => a.Language);
        Assert.Equal("fr-FR", languages["Said to be French"]);
        Assert.Equal("en", languages["In the feed's language"]);
        Assert.Equal("he", languages["In its own"]);
        Assert.Equal("pt-BR", languages["Page says"]);
        Assert.Equal("he", languages["Page gone"]);
    }
}
