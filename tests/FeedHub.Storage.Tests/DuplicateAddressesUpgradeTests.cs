using FeedHub.Core.Curation;
using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Core.Urls;
using FeedHub.Storage.LiteDb;
using FeedHub.Storage.Postgres;
using LiteDB;
using Npgsql;
using NpgsqlTypes;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Stores written before FeedHub kept one source per feed address may hold a feed subscribed twice. Migration 0021
/// (PostgreSQL) and the opening of the file (LiteDB) keep the first added source at the address and make each later
/// one its paused duplicate, articles and history kept, named in its health so that a curator removes one.
/// </summary>
public sealed class DuplicateAddressesUpgradeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 30, 15, 123, TimeSpan.Zero);

    /// <summary>Three spellings of one address (the second paused by a curator), and another feed.</summary>
    private static readonly (string Url, SourceState State)[] Seeded =
    [
        ("https://blog.example/feed", SourceState.Active),
        ("https://BLOG.example/feed#top", SourceState.Paused),
        ("https://other.example/feed", SourceState.Active),
        ("https://blog.example:443/feed?utm_source=x", SourceState.Active),
    ];

    [Fact]
    public async Task A_PostgreSQL_database_at_0020_with_a_feed_subscribed_thrice_keeps_the_first_and_pauses_the_others_with_their_articles()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await MigrateThroughAsync(database.ConnectionString, 20);
        var ids = new List<long>();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var (url, state) in Seeded)
            {
                ids.Add(await InsertAt0020Async(connection, new Source { FeedUrl = url, Title = "A blog", Categories = ["Tech"], State = state, CreatedAt = T0 }));
            }

            await using var article = new NpgsqlCommand(
                """
                INSERT INTO articles (source_id, key, title, first_seen_at, changed_at, sort_date, content_hash, extraction, entry_id)
                VALUES (@source_id, 'post-1', 'Kept post', @at, @at, @at, 'hash', 'NotNeeded', 'tag:blog.example,2026-11-20:post-1')
                """, connection);
            article.Parameters.Add(new NpgsqlParameter<long>("source_id", ids[1]));
            article.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", T0));
            await article.ExecuteNonQueryAsync();
        }

        await using var store = await PostgresFeedStore.OpenAsync(database.ConnectionString, default);

        await AssertUpgradedAsync(store, ids);
        Assert.Equal(1, await store.CountArticlesAsync(ids[1], default));
    }

    [Fact]
    public async Task A_LiteDB_file_with_a_feed_subscribed_thrice_keeps_the_first_and_pauses_the_others_with_their_articles_on_opening()
    {
        var directory = Directory.CreateTempSubdirectory("feedhub-litedb-addresses-").FullName;
        var path = Path.Combine(directory, "feedhub.db");
        try
        {
            var ids = new List<long>();
            using (var store = new LiteDbFeedStore(path))
            {
                // Stored at addresses of their own, then given their spellings of one address directly in the file, as
                // a store that did not yet check addresses left them.
                for (var i = 0; i < Seeded.Length; i++)
                {
                    var source = await store.AddSourceAsync(
                        new Source { FeedUrl = $"https://seed{i}.example/feed", Title = "A blog", Categories = ["Tech"], State = Seeded[i].State, CreatedAt = T0 }, default);
                    ids.Add(source.Id);
                }

                await store.SaveArticlesAsync([NewArticle(ids[1])], [], default);
            }

            using (var file = new LiteDatabase(path))
            {
                var sources = file.GetCollection("sources");
                for (var i = 0; i < Seeded.Length; i++)
                {
                    var document = sources.FindById(ids[i]);
                    document["FeedUrl"] = Seeded[i].Url;
                    sources.Update(document);
                }
            }

            using (var store = new LiteDbFeedStore(path))
            {
                await AssertUpgradedAsync(store, ids);
                Assert.Equal(1, await store.CountArticlesAsync(ids[1], default));
            }

            // Done once: opened again, nothing changes.
            using (var store = new LiteDbFeedStore(path))
            {
                await AssertUpgradedAsync(store, ids);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task AssertUpgradedAsync(IFeedStore store, List<long> ids)
    {
        var sources = await store.GetSourcesAsync(ids, default);
        Assert.Equal([null, ids[0], null, ids[0]], sources.Select(s => s.DuplicateOf));
        Assert.Equal([SourceState.Active, SourceState.Paused, SourceState.Active, SourceState.Paused], sources.Select(s => s.State));
        Assert.Equal(Seeded.Select(s => s.Url), sources.Select(s => s.FeedUrl));
        var summary = SourceHealthRules.Judge(sources[3]).Summary;
        Assert.Equal($"paused: a duplicate of source {ids[0]}, subscribed to the same feed; remove one of the two, or move this one to another feed", summary);

        // The address is the first source's: found, and an add of it is told so.
        Assert.Equal(ids[0], (await store.FindSourceByFeedUrlAsync("https://blog.example/feed", default))?.Id);
        Assert.Equal(ids[0], (await store.AddSourceAsync(new Source { FeedUrl = "https://Blog.example/feed", CreatedAt = T0 }, default)).Id);
        Assert.Equal(ids.Count, (await store.ListSourcesAsync(default)).Count);

        // Listed and counted as paused; a curator can still rename a duplicate, but not resume it (take the address back)
        // while the first source has the address.
        var paused = await store.ListSourcesAsync(new SourceListQuery { Health = HealthStatus.Paused, Sort = SourceSort.Name }, default);
        Assert.Equal([ids[1], ids[3]], paused.Sources.Select(s => s.Id).Order());
        var tallies = await store.GetTalliesAsync(default);
        Assert.Equal((2, 2), (tallies.ByHealth[HealthStatus.Paused], tallies.ByHealth[HealthStatus.New]));
        var renamed = await store.ChangeSourceAsync(ids[3], stored =>
        {
            stored.DisplayName = "Old copy";
            return true;
        }, default);
        Assert.Equal(("Old copy", ids[0]), (renamed!.DisplayName, renamed.DuplicateOf));
        var taken = await Assert.ThrowsAsync<FeedAddressTakenException>(() => store.ChangeSourceAsync(ids[3], stored =>
        {
            (stored.DuplicateOf, stored.State) = (null, SourceState.Active);
            return true;
        }, default));
        Assert.Equal(ids[0], taken.Holder.Id);
    }

    /// <summary>Brings a new database to <paramref name="version"/>, as FeedHub did when that was its latest migration.</summary>
    private static async Task MigrateThroughAsync(string connectionString, int version)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var table = new NpgsqlCommand(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", connection))
        {
            await table.ExecuteNonQueryAsync();
        }

        foreach (var migration in SchemaMigrations.All.Where(m => m.Version <= version))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync();
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                await record.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    /// <summary>Inserts a source with the columns it had at 0020, as that store wrote them; gives its id.</summary>
    private static async Task<long> InsertAt0020Async(NpgsqlConnection connection, Source source)
    {
        var (status, _) = SourceHealthRules.Judge(source);
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO sources (feed_url, feed_url_identity, title, categories, state, extraction, created_at,
                                 health, health_rank, name_key, search_text, category_keys)
            VALUES (@feed_url, @identity, @title, @categories, @state, 'Auto', @created_at,
                    @health, @health_rank, @name_key, @search_text, @category_keys)
            RETURNING id
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter<string>("feed_url", source.FeedUrl));
        insert.Parameters.Add(new NpgsqlParameter<string>("identity", UrlNormalizer.ForIdentity(source.FeedUrl)));
        insert.Parameters.Add(new NpgsqlParameter<string>("title", source.Title!));
        insert.Parameters.Add(new NpgsqlParameter("categories", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = source.Categories.ToArray() });
        insert.Parameters.Add(new NpgsqlParameter<string>("state", source.State.ToString()));
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created_at", source.CreatedAt));
        insert.Parameters.Add(new NpgsqlParameter<string>("health", status.ToString()));
        insert.Parameters.Add(new NpgsqlParameter<short>("health_rank", (short)status));
        insert.Parameters.Add(new NpgsqlParameter<string>("name_key", SourceKeys.NameKey(source)));
        insert.Parameters.Add(new NpgsqlParameter<string>("search_text", SourceKeys.SearchText(source)));
        insert.Parameters.Add(new NpgsqlParameter("category_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = SourceKeys.CategoryKeys(source) });
        return (long)(await insert.ExecuteScalarAsync())!;
    }

    private static Article NewArticle(long sourceId) => new()
    {
        SourceId = sourceId,
        Key = "post-1",
        Title = "Kept post",
        FirstSeenAt = T0,
        ChangedAt = T0,
        SortDate = T0,
        ContentHash = "hash",
    };
}
