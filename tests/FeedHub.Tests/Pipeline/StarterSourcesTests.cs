using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

public sealed class StarterSourcesTests
{
    [Fact]
    public async Task The_starter_list_is_imported_on_the_first_start_only_so_a_removed_blog_stays_removed()
    {
        var folder = Directory.CreateTempSubdirectory("feedhub-starter-").FullName;
        var opml = Path.Combine(folder, "starter.opml");
        await File.WriteAllTextAsync(opml, """
            <?xml version="1.0" encoding="utf-8"?>
            <opml version="2.0"><head><title>Starter</title></head><body>
              <outline text="Tech">
                <outline type="rss" text="Blog one" xmlUrl="http://127.0.0.1:9/one.xml"/>
                <outline type="rss" text="Blog two" xmlUrl="http://127.0.0.1:9/two.xml"/>
              </outline>
            </body></opml>
            """);
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);

        await using (var first = await TestApp.StartAsync(data, settings: $"--FeedHub:StarterSources={opml}"))
        {
            var store = first.Get<IFeedStore>();
            var sources = await TestApp.EventuallyAsync(() => store.ListSourcesAsync(default), s => s.Count == 2);
            Assert.Equal(["Blog one", "Blog two"], sources.Select(s => s.Title).Order());
            Assert.All(sources, s => Assert.Equal(["Tech"], s.Categories));
            await store.RemoveSourceAsync(sources.Single(s => s.Title == "Blog one").Id, keepArticles: false, default);
        }

        await using (var second = await TestApp.StartAsync(data, settings: $"--FeedHub:StarterSources={opml}"))
        {
            var sources = await second.Get<IFeedStore>().ListSourcesAsync(default);
            Assert.Equal(["Blog two"], sources.Select(s => s.Title));
        }

        Directory.Delete(folder, recursive: true);
    }
}
