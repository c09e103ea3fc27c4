using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

/// <summary>
/// A curator moving from another reader imports its OPML export, whose outlines name each feed as that reader showed
/// it: a feed renamed there keeps that name here once its first poll finds the feed titled otherwise.
/// </summary>
public sealed class OpmlImportedNamesTests
{
    [Fact]
    public async Task A_feed_renamed_in_the_previous_reader_keeps_its_name_and_the_others_follow_their_feeds_titles()
    {
        await using var blogs = LocalHttpServer.Serving(request => request.Path switch
        {
            "/hn" => HttpReply.Text(200, FeedFixtures.Rss("Hacker News: Front Page", [1]), "application/rss+xml"),
            "/same" => HttpReply.Text(200, FeedFixtures.Rss("The Heron Gazette", [1]), "application/rss+xml"),
            "/bare" => HttpReply.Text(200, FeedFixtures.Rss("Cormorant Weekly", [1]), "application/rss+xml"),
            _ => null,
        });
        await using var app = await TestApp.StartAsync(worker: false);
        var (_, token) = await app.Get<CuratorAccounts>().CreateAsync("ada", null, default);
        app.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var opml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <opml version="1.0"><head><title>Ada's subscriptions in feedly Cloud</title></head><body>
              <outline text="News" title="News">
                <outline type="rss" text="HN" title="HN" xmlUrl="{blogs.Url("hn")}"/>
                <outline type="rss" text="the  heron gazette" title="the  heron gazette" xmlUrl="{blogs.Url("same")}"/>
                <outline type="rss" text="{blogs.Url("bare")}" xmlUrl="{blogs.Url("bare")}"/>
              </outline>
            </body></opml>
            """;

        var imported = await app.Http.PostAsync("/api/opml", new StringContent(opml, Encoding.UTF8, "text/x-opml"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        var store = app.Get<IFeedStore>();
        var poller = app.Get<SourcePoller>();
        var sources = await store.ListSourcesAsync(default);
        foreach (var source in sources)
        {
            Assert.Equal(PollOutcome.Updated, (await poller.PollAsync(source.Id, default)).Outcome);
        }

        var byPath = (await store.ListSourcesAsync(default)).ToDictionary(s => new Uri(s.FeedUrl).AbsolutePath);
        Assert.Equal(("HN", "HN", "Hacker News: Front Page"), (byPath["/hn"].Name, byPath["/hn"].DisplayName, byPath["/hn"].Title));
        Assert.Equal(("The Heron Gazette", null), (byPath["/same"].Name, byPath["/same"].DisplayName));
        Assert.Equal(("Cormorant Weekly", null), (byPath["/bare"].Name, byPath["/bare"].DisplayName));

        // Only the first poll takes it: a name a curator clears since stays cleared.
        var hn = byPath["/hn"].Id;
        await store.ChangeSourceAsync(hn, source => (source.DisplayName = null) is null, default);
        await poller.PollAsync(hn, default);
        Assert.Equal("Hacker News: Front Page", (await store.GetSourceAsync(hn, default))!.Name);
    }
}
