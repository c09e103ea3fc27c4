using FeedHub.Core.Curation;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>Text a feed double-encoded (as Spiegel's and Le Monde's feeds do) reaches readers repaired.</summary>
public sealed class MojibakeIngestTests
{
    [Fact]
    public async Task A_double_encoded_feed_is_stored_and_served_repaired()
    {
        const string Feed = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Deutschlands fÃ¼hrende Nachrichtenseite</title><link>https://news.example/</link>
            <item><title>Polizeieinsatz in KÃ¶lner Silvesternacht</title><link>https://news.example/koeln</link>
            <author>redaktion@news.example (JÃ¼rgen MÃ¼ller)</author>
            <description>Fragen, die noch geklÃ¤rt werden mÃ¼ssen â€“ und Antworten.</description></item>
            </channel></rss>
            """;
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, Feed, "application/rss+xml; charset=utf-8"));
        await using var app = await TestApp.StartAsync(worker: false);

        var added = await app.Get<SourceCatalog>().AddAsync(blog.Url("feed.xml").AbsoluteUri, SourceSettings.None, default);
        await app.Get<SourcePoller>().PollAsync(added.Source!.Id, default);

        var article = Assert.Single(await app.Get<IFeedStore>().ListArticlesAsync(new ArticleQuery(), default));
        Assert.Equal("Polizeieinsatz in Kölner Silvesternacht", article.Title);
        Assert.Contains("Jürgen Müller", article.Author, StringComparison.Ordinal);
        Assert.Equal("Fragen, die noch geklärt werden müssen – und Antworten.", article.Excerpt);
        Assert.Equal("Deutschlands führende Nachrichtenseite", (await app.Get<IFeedStore>().GetSourceAsync(added.Source.Id, default))!.Title);
        var river = await app.Http.GetStringAsync("/");
        Assert.Contains("Kölner", river, StringComparison.Ordinal);
        Assert.DoesNotContain("KÃ¶lner", river, StringComparison.Ordinal);
    }
}
