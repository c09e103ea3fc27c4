using System.Globalization;
using System.Net;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>
/// The security suite's Chromium run: a feed carrying every XSS vector in its titles, authors, categories, summaries
/// and content, polled and then opened in every page and feed a reader reaches, in a browser that ignores the pages'
/// Content-Security-Policy, so what is tested is the sanitiser and the templates, not the policy that backs them.
/// Any dialog (each vector calls alert with its own number) or any request leaving FeedHub fails the run.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class XssBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task No_vector_runs_script_or_loads_anything_in_any_page_or_feed_even_without_the_content_security_policy()
    {
        var vectors = XssVectors.All.Select((vector, i) => vector.Replace("alert(1)", $"alert({i + 1})", StringComparison.Ordinal)).ToList();
        var items = string.Concat(vectors.Select((vector, i) => string.Create(CultureInfo.InvariantCulture, $"""
            <item><title>Post {i + 1} {WebUtility.HtmlEncode(vector)}</title><link>https://xss.example/post/{i + 1}</link><guid>xss-{i + 1}</guid>
            <pubDate>{FeedFixtures.Newest.AddHours(-i).ToString("R", CultureInfo.InvariantCulture)}</pubDate>
            <dc:creator>{WebUtility.HtmlEncode(vector)}</dc:creator><category>{WebUtility.HtmlEncode(vector)}</category>
            <description><![CDATA[<p>Summary of post {i + 1}.</p>{vector}]]></description>
            <content:encoded><![CDATA[<p>Body of post {i + 1}, long enough to be the article.</p>{vector}<p>The end.</p>]]></content:encoded></item>
            """)));
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("XSS Blog", [], items), "application/rss+xml"));
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Core.Model.Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        await app.Get<SourcePoller>().PollAsync(source.Id, default);
        var articles = await store.ListArticlesAsync(new ArticleQuery { SourceIds = [source.Id], Limit = 200 }, default);
        Assert.Equal(vectors.Count, articles.Count);

        string[] pages =
        [
            "/", "/?q=post", $"/?source={source.Id}", "/digest", "/subscribe", "/blogroll",
            "/feed.atom", "/feed.rss", "/digest.atom", "/digest.rss",
            .. articles.Select(a => a.SortDate.UtcDateTime.ToString("'/digest/'yyyy-MM-dd", CultureInfo.InvariantCulture)).Distinct(),
            .. articles.Select(a => $"/articles/{a.Id}"),
        ];
        var (page, _) = await browser.OpenAsync(1280, 1600, bypassContentSecurityPolicy: true);
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            dialogs.Add($"{page.Url}: {dialog.Type}({dialog.Message})");
            _ = dialog.DismissAsync();
        };
        var outside = new List<string>();
        await page.Context.RouteAsync("**/*", route =>
        {
            if (new Uri(route.Request.Url) is { Scheme: "http" or "https" } url && url.Authority != app.BaseUri.Authority)
            {
                outside.Add($"{page.Url}: {route.Request.ResourceType} {url}");
                return route.AbortAsync();
            }

            return route.ContinueAsync();
        });

        foreach (var path in pages)
        {
            await page.GotoAsync(new Uri(app.BaseUri, path).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        }

        var ran = dialogs.Select(d => d[(d.LastIndexOf('(') + 1)..^1]).Distinct().Count();
        SecurityTable.Row("XSS", $"{vectors.Count} vectors in a feed's titles, authors, categories, summaries and content; {pages.Length} pages and feeds opened in Chromium without the Content-Security-Policy",
            vectors.Count, vectors.Count - ran, dialogs.Count + outside.Count == 0 ? "no script ran, nothing was loaded from another site" : $"{dialogs.Count} dialogs, {outside.Count} requests out");
        Assert.True(dialogs.Count == 0, "script ran:\n" + string.Join("\n", dialogs));
        Assert.True(outside.Count == 0, "requests left FeedHub:\n" + string.Join("\n", outside));
        await page.Context.CloseAsync();
    }
}
