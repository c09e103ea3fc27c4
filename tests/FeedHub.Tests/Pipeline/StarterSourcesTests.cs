using FeedHub.Core.Storage;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Pipeline;

public sealed class StarterSourcesTests
{
    [Fact]
    public async Task The_default_starter_list_is_found_beside_the_binary_when_the_working_directory_has_no_config_folder()
    {
        // `dotnet run --project src/FeedHub` runs in the project's folder, where config/ is not.
        var folder = Directory.CreateTempSubdirectory("feedhub-starter-").FullName;
        var expected = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "config", "sources.opml")))
            .Split("xmlUrl=").Length - 1;
        var settings = new Dictionary<string, string>
        {
            ["FeedHub__Urls"] = System.FormattableString.Invariant($"http://127.0.0.1:{FeedHubProcess.FreePort()}"),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__FeedHub.Worker.StarterSourcesImport"] = "Information",
        };

        using (var serve = FeedHubProcess.Start(folder, settings, "serve"))
        {
            var line = await serve.WaitForLogLineAsync(l => l.Contains("starter sources", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.Contains($"Subscribed to {expected} starter sources", line, StringComparison.Ordinal);
            serve.Kill();
        }

        Directory.Delete(folder, recursive: true);
    }

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
