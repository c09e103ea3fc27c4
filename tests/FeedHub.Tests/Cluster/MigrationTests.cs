using System.Text.Json;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Cluster;

/// <summary><c>feedhub migrate --from litedb:PATH --to postgres</c> copies everything, row for row, and can be re-run.</summary>
public sealed class MigrationTests : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("feedhub-migrate-").FullName;

    [Fact]
    public async Task A_migration_copies_every_row_and_a_second_run_changes_nothing()
    {
        var path = Path.Combine(_workingDirectory, "data", "feedhub.db");
        using (var lite = new LiteDbFeedStore(path))
        {
            await SeedAsync(lite, sources: 300, articlesPerSource: 20);
        }

        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database.ConnectionString, ["FeedHub__StarterSources"] = string.Empty };

        var first = await FeedHubProcess.RunAsync(_workingDirectory, environment, "migrate", "--from", $"litedb:{path}", "--to", "postgres");
        var second = await FeedHubProcess.RunAsync(_workingDirectory, environment, "migrate", "--from", $"litedb:{path}", "--to", "postgres");

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("copied 300 sources, 6000 articles and 1 curators", first.Out, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Error);
        using var lite2 = new LiteDbFeedStore(path);
        await using var postgres = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);
        var expected = await DumpAsync(lite2);
        var actual = await DumpAsync(postgres);
        Assert.Equal(expected.Count, actual.Count);
        var differences = expected.Zip(actual).Where(pair => pair.First != pair.Second).ToList();
        Assert.True(differences.Count == 0, $"{differences.Count} rows differ, first:\n{differences.FirstOrDefault().First}\n{differences.FirstOrDefault().Second}");
        Assert.Equal("true", await postgres.GetSettingAsync("starter-sources-imported", default));
        Assert.Equal(await lite2.GetSettingAsync("entry-id-authority", default), await postgres.GetSettingAsync("entry-id-authority", default));
        var curator = await postgres.GetCuratorByNameAsync("ada", default);
        Assert.Equal("hash-of-ada", curator?.PasswordHash);

        var added = await postgres.AddSourceAsync(new Source { FeedUrl = "https://new.example/feed", CreatedAt = DateTimeOffset.UtcNow }, default);
        Assert.True(added.Id > 300, "new ids come after the copied ones");
    }

    [Fact]
    public async Task Bad_usage_and_a_missing_database_are_reported()
    {
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1", ["FeedHub__StarterSources"] = string.Empty };

        var usage = await FeedHubProcess.RunAsync(_workingDirectory, environment, "migrate", "--from", "mysql:x", "--to", "postgres");
        var missing = await FeedHubProcess.RunAsync(_workingDirectory, environment, "migrate", "--from", "litedb:nowhere.db", "--to", "postgres");

        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("--from litedb:PATH --to postgres", usage.Error, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("there is no LiteDB database", missing.Error, StringComparison.Ordinal);
    }

    private static async Task SeedAsync(LiteDbFeedStore store, int sources, int articlesPerSource)
    {
        var t0 = new DateTimeOffset(2026, 10, 1, 0, 0, 0, 123, TimeSpan.Zero);
        for (var s = 0; s < sources; s++)
        {
            var source = await store.AddSourceAsync(new Source
            {
                FeedUrl = $"https://blog{s}.example/feed",
                Title = $"Blog {s} — ブログ",
                SiteUrl = $"https://blog{s}.example/",
                Categories = s % 3 == 0 ? ["Tech", "Français"] : ["Tech"],
                State = s % 50 == 0 ? SourceState.Paused : SourceState.Active,
                Extraction = s % 7 == 0 ? ExtractionMode.Always : ExtractionMode.Auto,
                MinInterval = s % 5 == 0 ? TimeSpan.FromMinutes(10) : null,
                CreatedAt = t0,
                Fetch = new FetchState
                {
                    ETag = $"\"etag-{s}\"",
                    LastModified = "Tue, 03 Nov 2026 10:00:00 GMT",
                    LastError = s % 10 == 0 ? "the server answered 500 Internal Server Error" : null,
                    LastErrorKind = s % 10 == 0 ? FetchErrorKind.HttpStatus : null,
                    ConsecutiveFailures = s % 10 == 0 ? 2 : 0,
                    NextPollAt = t0.AddMinutes(s),
                    PollCount = s,
                    NotModifiedCount = s / 2,
                    BytesSaved = s * 1000L,
                    MovedFrom = s % 25 == 0 ? $"https://old{s}.example/rss" : null,
                },
            }, default);
            var articles = Enumerable.Range(0, articlesPerSource).Select(a => new Article
            {
                SourceId = source.Id,
                Key = $"id:{s}-{a}",
                ContentHash = $"h{s}-{a}",
                Title = $"Post {a} of blog {s}",
                Link = $"https://blog{s}.example/{a}",
                CanonicalUrl = $"blog{s}.example/{a}",
                Author = a % 2 == 0 ? "Ada" : null,
                Summary = "<p>summary</p>",
                Content = a % 3 == 0 ? null : $"<p>content {a}</p>",
                Tags = a % 4 == 0 ? ["x", "y"] : [],
                Published = t0.AddHours(-a).AddMinutes(s),
                Updated = a % 5 == 0 ? t0 : null,
                SortDate = t0.AddHours(-a).AddMinutes(s % 10),
                FirstSeenAt = t0,
                ChangedAt = t0,
                Extraction = a % 6 == 0 ? ExtractionState.Ok : ExtractionState.NotNeeded,
                ExtractedHtml = a % 6 == 0 ? "<p>full</p>" : null,
                ExtractedText = a % 6 == 0 ? "full" : null,
                Excerpt = "summary",
                WordCount = a * 10,
                Language = s % 2 == 0 ? "en" : "ja",
            }).ToList();
            await store.SaveArticlesAsync(articles, [], default);
        }

        await store.AddCuratorAsync(new Curator { Name = "ada", PasswordHash = "hash-of-ada", CreatedAt = t0 }, default);
        await store.SetSettingAsync("starter-sources-imported", "true", default);
    }

    /// <summary>Every source and every article, each as JSON, in a stable order.</summary>
    private static async Task<List<string>> DumpAsync(IFeedStore store)
    {
        var rows = (await store.ListSourcesAsync(default)).OrderBy(s => s.Id).Select(s => JsonSerializer.Serialize(s, Json)).ToList();
        ArticleCursor? cursor = null;
        while (true)
        {
            var page = await store.ListArticlesAsync(new ArticleQuery { Before = cursor, Limit = 1000 }, default);
            if (page.Count == 0)
            {
                return rows;
            }

            rows.AddRange(page.Select(a => JsonSerializer.Serialize(a, Json)));
            cursor = ArticleCursor.Of(page[^1]);
        }
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
