using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

/// <summary>The same story reached through two sources appears once, credited to both.</summary>
public sealed class StoryTests
{
    [Fact]
    public async Task A_story_syndicated_by_two_sources_is_served_once_and_credited_to_both()
    {
        static string Feed(string title, string link) => $"""
            <?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><link>https://{title.ToLowerInvariant()}.example/</link>
            <item><title>The shared story</title><link>{link}</link><guid>{title}-1</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
            <item><title>Only on {title}</title><link>https://{title.ToLowerInvariant()}.example/own</link><guid>{title}-2</guid><pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate></item>
            </channel></rss>
            """;
        await using var server = LocalHttpServer.Serving(request => request.Path switch
        {
            "/planet" => HttpReply.Text(200, Feed("Planet", "https://news.example/2026/story?utm_source=planet&utm_medium=rss"), "application/rss+xml"),
            "/origin" => HttpReply.Text(200, Feed("Origin", "http://www.news.example/2026/story/"), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var store = app.Get<IFeedStore>();
        foreach (var path in new[] { "planet", "origin" })
        {
            var source = await store.AddSourceAsync(new Source { FeedUrl = server.Url(path).AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
            await app.Get<SourcePoller>().PollAsync(source.Id, default);
        }

        using var feed = JsonDocument.Parse(await app.Http.GetStringAsync("/feed.json"));
        var items = feed.RootElement.GetProperty("items").EnumerateArray().ToList();
        var river = await app.Http.GetStringAsync("/");

        Assert.Equal(4, await store.CountArticlesAsync(null, default));
        Assert.Equal(3, items.Count);
        var shared = Assert.Single(items, i => i.GetProperty("title").GetString() == "The shared story");
        Assert.Equal(["Planet", "Origin"], shared.GetProperty("_feedhub_sources").EnumerateArray().Select(s => s.GetProperty("title").GetString()).Order().Reverse());
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(river, "The shared story", System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.Contains("Also on", river, StringComparison.Ordinal);
    }
}
