using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;
using Microsoft.Playwright;

namespace FeedHub.Tests.Browser;

/// <summary>
/// Video embeds in Chromium: the player of a host the sanitiser keeps loads under the pages' Content-Security-Policy
/// (no violation), while another host's iframe never reaches the page, and the policy does refuse frames from any
/// other host (a frame added by script is blocked and reported).
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class EmbedBrowserTests(BrowserFixture browser)
{
    private const string RecordViolations = """
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
        """;

    [Fact]
    public async Task A_kept_video_embed_loads_and_other_frames_never_do()
    {
        const string content = """
            <p>Watch this.</p>
            <iframe src="http://www.youtube.com/embed/abc123" width="560" height="315" allowfullscreen></iframe>
            <iframe src="https://evil.example/phish" width="560" height="315"></iframe>
            <p>The end.</p>
            """;
        await using var blog = LocalHttpServer.Serving(_ => HttpReply.Text(200, FeedFixtures.Rss("Video Blog", [], $"""
            <item><title>A video post</title><link>https://video.example/post</link><guid>video-1</guid>
            <content:encoded><![CDATA[{content}]]></content:encoded></item>
            """), "application/rss+xml"));
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        var source = await store.AddSourceAsync(new Core.Model.Source { FeedUrl = blog.Url("feed").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        await app.Get<SourcePoller>().PollAsync(source.Id, default);
        var article = Assert.Single(await store.ListArticlesAsync(new ArticleQuery { SourceIds = [source.Id] }, default));
        var served = await app.Http.GetStringAsync($"/articles/{article.Id}");
        Assert.DoesNotContain("evil.example", served, StringComparison.Ordinal);
        Assert.Contains("src=\"https://www.youtube.com/embed/abc123\"", served, StringComparison.Ordinal);

        var (page, errors) = await browser.OpenAsync(1280, 1600);
        // No network here: the player's host is answered by the browser itself, after the policy let the frame load.
        var playerRequests = new List<string>();
        await page.Context.RouteAsync("https://www.youtube.com/**", route =>
        {
            playerRequests.Add(route.Request.Url);
            return route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p id=player>the player</p>" });
        });
        await page.Context.RouteAsync("https://evil.example/**", route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p>evil</p>" }));
        await page.AddInitScriptAsync(RecordViolations);
        await page.GotoAsync(new Uri(app.BaseUri, $"/articles/{article.Id}").AbsoluteUri);
        var player = page.FrameLocator("iframe[src^='https://www.youtube.com/']").Locator("#player");
        await player.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

        Assert.Equal("the player", await player.InnerTextAsync());
        Assert.Equal(["https://www.youtube.com/embed/abc123"], playerRequests);
        Assert.Equal(1, await page.Locator("iframe").CountAsync());
        Assert.Empty(await page.EvaluateAsync<string[]>("window.__csp"));

        // A frame from any other host is refused by the policy, whoever adds it.
        await page.EvaluateAsync("""
            () => new Promise(done => {
                document.addEventListener('securitypolicyviolation', () => done(), { once: true });
                const frame = document.createElement('iframe');
                frame.src = 'https://evil.example/phish';
                document.body.append(frame);
            })
            """);
        Assert.Equal(["frame-src https://evil.example"], await page.EvaluateAsync<string[]>("window.__csp"));
        Assert.DoesNotContain(page.Frames, frame => frame.Url.StartsWith("https://evil.example", StringComparison.Ordinal));
        Assert.All(errors, error => Assert.Contains("evil.example", error, StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }
}
