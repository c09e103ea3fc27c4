using System.Globalization;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FeedHub.Benchmarks;

/// <summary>
/// <c>serve PORT</c>: a FeedHub web node on 127.0.0.1:PORT over a fresh LiteDB file holding 50 full articles from
/// 5 sources, for <c>tests/bench/http.sh</c> to load with wrk beside nginx. Runs until stopped.
/// </summary>
public static class ServeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 1 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var port))
        {
            Console.Error.WriteLine("usage: FeedHub.Benchmarks serve PORT");
            return 2;
        }

        var data = Directory.CreateTempSubdirectory("feedhub-bench-").FullName;
        // The store is closed with the app, before its folder is deleted.
        await using (var app = FeedHubApp.Build(
        [
            $"--FeedHub:Urls=http://127.0.0.1:{port}", "--FeedHub:Roles=web", "--FeedHub:StarterSources=",
            $"--FeedHub:Storage:LiteDb:Path={Path.Combine(data, "feedhub.db")}", "--Logging:LogLevel:Default=Warning",
        ]))
        {
            await SeedAsync(app.Services.GetRequiredService<IFeedStore>());
            await app.StartAsync();
            Console.WriteLine($"serving 50 articles on http://127.0.0.1:{port}/");
            await app.WaitForShutdownAsync();
        }

        Directory.Delete(data, recursive: true);
        return 0;
    }

    private static async Task SeedAsync(IFeedStore store)
    {
        var now = DateTimeOffset.UtcNow;
        var paragraph = string.Concat(Enumerable.Repeat("FeedHub serves the merged feed of a planet of blogs to every subscriber who asks for it. ", 12));
        for (var s = 0; s < 5; s++)
        {
            var source = await store.AddSourceAsync(new Source
            {
                FeedUrl = $"https://blog{s}.example/feed",
                SiteUrl = $"https://blog{s}.example/",
                Title = $"Blog {s}",
                Categories = ["Bench"],
                CreatedAt = now,
            }, default);
            var articles = Enumerable.Range(0, 10).Select(a => new Article
            {
                SourceId = source.Id,
                Key = $"id:{s}-{a}",
                ContentHash = $"{s}-{a}",
                Title = $"Article {a} of blog {s}",
                Link = $"https://blog{s}.example/posts/{a}",
                Author = "Ada Writer",
                Content = string.Concat(Enumerable.Range(0, 8).Select(p => $"<p>{paragraph}</p>")),
                Excerpt = paragraph[..200],
                WordCount = 1300,
                Published = now.AddMinutes(-(s * 10 + a)),
                SortDate = now.AddMinutes(-(s * 10 + a)),
                FirstSeenAt = now,
                ChangedAt = now,
            }).ToList();
            await store.SaveArticlesAsync(articles, [], default);
        }
    }
}
