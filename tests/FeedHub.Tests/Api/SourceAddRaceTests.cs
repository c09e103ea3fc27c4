using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Opml;
using FeedHub.Core.Polling;
using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.Tests.Api;

/// <summary>
/// Two adds of one feed at once (two curators, a form sent twice, an API retry, two web nodes) make one source: one
/// request gets 201 and the other the documented duplicate answer, 409 with the id of the source there. The adds are
/// held at the store (<see cref="AddGate"/>) until both have passed every check of the add, so they truly race.
/// </summary>
public sealed class SourceAddRaceTests
{
    private static LocalHttpServer Blog() => LocalHttpServer.Serving(request => request.Path switch
    {
        "/feed.xml" => HttpReply.Text(200, FeedFixtures.Rss("Blog", [1, 2]), "application/rss+xml"),
        "/old.xml" => HttpReply.Text(200, FeedFixtures.Rss("Old blog", [1]), "application/rss+xml"),
        _ => null,
    });

    [Fact]
    public async Task Two_posts_of_one_feed_at_once_add_one_source_and_answer_201_and_409_naming_it()
    {
        await using var blog = Blog();
        var gate = new AddGate(2);
        var scheduled = new ScheduledPolls();
        var directory = Directory.CreateTempSubdirectory("feedhub-app-").FullName;
        await using var app = await TestApp.StartAsync(directory, allowPrivateNetworks: true, worker: false, replace: services =>
        {
            services.AddSingleton(_ => new LiteDbFeedStore(Path.Combine(directory, "feedhub.db")));
            services.AddSingleton(provider => gate.Around(provider.GetRequiredService<LiteDbFeedStore>()));
            services.AddSingleton<IPollScheduler>(scheduled);
        });
        var token = await TokenAsync(app);

        var answers = await Task.WhenAll(
            PostAsync(app, token, blog.Url("feed.xml").AbsoluteUri),
            PostAsync(app, token, blog.Url("feed.xml").AbsoluteUri + "#top"));

        var id = await AssertOneAddedAsync(answers, app.Get<IFeedStore>());
        Assert.Equal([id], scheduled.Ids);
    }

    [Fact]
    public async Task On_postgres_two_hosts_adding_one_feed_at_once_add_one_source_and_answer_201_and_409_naming_it()
    {
        await using var blog = Blog();
        await using var database = await PostgresTestDatabase.CreateAsync();
        var gate = new AddGate(2);
        await using var first = await StartOnPostgresAsync(database.ConnectionString, gate);
        await using var second = await StartOnPostgresAsync(database.ConnectionString, gate);
        var token = await TokenAsync(first);

        var answers = await Task.WhenAll(
            PostAsync(first, token, blog.Url("feed.xml").AbsoluteUri),
            PostAsync(second, token, blog.Url("feed.xml").AbsoluteUri + "#top"));

        await AssertOneAddedAsync(answers, second.Get<IFeedStore>());
    }

    [Fact]
    public async Task An_add_and_a_move_to_one_feed_at_once_leave_one_source_there_and_answer_409_to_the_later()
    {
        await using var blog = Blog();
        var gate = new AddGate(2, changesToo: true);
        var directory = Directory.CreateTempSubdirectory("feedhub-app-").FullName;
        await using var app = await TestApp.StartAsync(directory, allowPrivateNetworks: true, worker: false, replace: services =>
        {
            services.AddSingleton(_ => new LiteDbFeedStore(Path.Combine(directory, "feedhub.db")));
            services.AddSingleton(provider => gate.Around(provider.GetRequiredService<LiteDbFeedStore>()));
        });
        var store = app.Get<LiteDbFeedStore>();
        var moving = await store.AddSourceAsync(new Source { FeedUrl = blog.Url("old.xml").AbsoluteUri, CreatedAt = DateTimeOffset.UtcNow }, default);
        var token = await TokenAsync(app);

        var (added, moved) = (PostAsync(app, token, blog.Url("feed.xml").AbsoluteUri), SendAsync(app, token, HttpMethod.Patch, $"/api/sources/{moving.Id}", new { feedUrl = blog.Url("feed.xml").AbsoluteUri }));
        await Task.WhenAll(added, moved);

        var there = Assert.Single(await store.ListSourcesAsync(default), s => s.FeedUrl == blog.Url("feed.xml").AbsoluteUri);
        var refused = (await added).StatusCode == HttpStatusCode.Conflict ? await added : await moved;
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(there.Id, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("existingId").GetInt64());
        if (refused == await moved)
        {
            Assert.Equal(HttpStatusCode.Created, (await added).StatusCode);
            Assert.Equal(blog.Url("old.xml").AbsoluteUri, (await store.GetSourceAsync(moving.Id, default))!.FeedUrl);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, (await moved).StatusCode);
            Assert.Equal(moving.Id, there.Id);
        }
    }

    [Fact]
    public async Task An_import_during_which_a_curator_adds_one_of_its_feeds_leaves_that_feed_to_the_curator()
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-app-").FullName;
        var gate = new AddGate(1, opensWhenFull: false);
        var scheduled = new ScheduledPolls();
        await using var app = await TestApp.StartAsync(directory, allowPrivateNetworks: true, worker: false, replace: services =>
        {
            services.AddSingleton(_ => new LiteDbFeedStore(Path.Combine(directory, "feedhub.db")));
            services.AddSingleton(provider => gate.Around(provider.GetRequiredService<LiteDbFeedStore>()));
            services.AddSingleton<IPollScheduler>(scheduled);
        });
        var store = app.Get<LiteDbFeedStore>();
        using var list = new MemoryStream(
            """
            <?xml version="1.0"?><opml version="2.0"><head><title>list</title></head><body>
            <outline type="rss" text="A" xmlUrl="https://a.example/feed"/>
            <outline type="rss" text="B" xmlUrl="https://b.example/feed"/>
            </body></opml>
            """u8.ToArray());
        var catalog = app.Get<SourceCatalog>();

        // The import has checked its list against the sources and waits at its first add; a curator adds b meanwhile.
        var importing = catalog.ImportAsync(OpmlReader.Read(list), new OpmlImportOptions("list.opml"), null, default);
        await gate.Full;
        var curators = await store.AddSourceAsync(new Source { FeedUrl = "https://B.example/feed", CreatedAt = DateTimeOffset.UtcNow }, default);
        gate.Open();
        var report = await importing;

        Assert.Equal((1, 2), (report.Added, report.WouldAdd));
        var duplicate = Assert.Single(report.Duplicates);
        Assert.Equal($"https://b.example/feed is already subscribed as source {curators.Id}", duplicate.Message);
        var sources = await store.ListSourcesAsync(default);
        Assert.Equal(["https://B.example/feed", "https://a.example/feed"], sources.Select(s => s.FeedUrl));
        Assert.Equal(1, (await store.GetImportBatchAsync(report.BatchId!.Value, default))!.Added);
        Assert.Equal(sources.Where(s => s.FeedUrl == "https://a.example/feed").Select(s => s.Id), scheduled.Ids);

        // Undone, the import takes back its own source only.
        Assert.Equal(1, await catalog.UndoImportAsync(report.BatchId.Value, default));
        Assert.Equal([curators.Id], (await store.ListSourcesAsync(default)).Select(s => s.Id));
    }

    /// <summary>That one request added the source and the other was told of it; the source's id.</summary>
    private static async Task<long> AssertOneAddedAsync(HttpResponseMessage[] answers, IFeedStore store)
    {
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var created = await answers.Single(a => a.StatusCode == HttpStatusCode.Created).Content.ReadFromJsonAsync<JsonElement>();
        var refused = await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal(id, refused.GetProperty("existingId").GetInt64());
        Assert.Contains($"already subscribed as source {id}", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal([id], (await store.ListSourcesAsync(default)).Select(s => s.Id));
        return id;
    }

    private static async Task<string> TokenAsync(TestApp app) => (await app.Get<CuratorAccounts>().CreateAsync("ada", null, default)).Token;

    private static Task<HttpResponseMessage> PostAsync(TestApp app, string token, string url)
        => SendAsync(app, token, HttpMethod.Post, "/api/sources", new { url });

    private static Task<HttpResponseMessage> SendAsync(TestApp app, string token, HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return app.Http.SendAsync(request);
    }

    /// <summary>A web node on the shared database, its store's adds held at <paramref name="gate"/>.</summary>
    private static Task<TestApp> StartOnPostgresAsync(string connectionString, AddGate gate)
        => TestApp.StartAsync(null, allowPrivateNetworks: true, worker: false,
            replace: services =>
            {
                services.AddSingleton(_ => Task.Run(() => PostgresFeedStore.OpenAsync(connectionString, default)).GetAwaiter().GetResult());
                services.AddSingleton(provider => gate.Around(provider.GetRequiredService<PostgresFeedStore>()));
            },
            "--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={connectionString}");

    /// <summary>The sources whose polls were scheduled, in order, in place of Quartz.</summary>
    private sealed class ScheduledPolls : IPollScheduler
    {
        private readonly List<long> _ids = [];

        public IReadOnlyList<long> Ids
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public Task ScheduleAsync(long sourceId, DateTimeOffset at, CancellationToken cancellationToken) => ScheduleAsync([new DuePoll(sourceId, at)], cancellationToken);

        public Task ScheduleAsync(IReadOnlyCollection<DuePoll> polls, CancellationToken cancellationToken)
        {
            lock (_ids)
            {
                _ids.AddRange(polls.Select(p => p.SourceId));
            }

            return Task.CompletedTask;
        }

        public Task UnscheduleAsync(long sourceId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
