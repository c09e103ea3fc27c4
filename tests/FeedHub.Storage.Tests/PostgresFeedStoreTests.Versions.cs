using FeedHub.Core.Model;
using FeedHub.Core.Storage;
using FeedHub.Storage.Postgres;
using Npgsql;

namespace FeedHub.Storage.Tests;

/// <summary>
/// Versions are moved when a transaction commits (migration 0019): a transaction writing articles holds no row that
/// another save needs until then, and no reader sees its versions move before its change.
/// </summary>
public sealed partial class PostgresFeedStoreTests
{
    /// <summary>Waits for a lock end in an error after this long, not in a hang: the tests below expect none.</summary>
    private const string NoWaitForLocks = "-c lock_timeout=5s";

    [Fact]
    public async Task An_open_transaction_writing_articles_holds_up_no_other_save_and_moves_the_versions_when_it_commits()
    {
        var held = await Store.AddSourceAsync(NewSource("https://a.example/feed"), default);
        var other = await Store.AddSourceAsync(NewSource("https://b.example/feed"), default);
        var article = NewArticle(held.Id, "id:held");
        await Store.SaveArticlesAsync([article], [], default);
        var node = await OpenOtherStoreAsync(new NpgsqlConnectionStringBuilder(ConnectionString) { Options = NoWaitForLocks }.ConnectionString);
        ContentScope[] heldOnly = [ContentScope.Source(held.Id)];
        var (version, river, heldVersion) = (await node.GetVersionAsync(default), await RiverAsync(), await node.GetContentVersionAsync(heldOnly, default));

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var edit = new NpgsqlCommand("UPDATE articles SET title = 'Edited' WHERE id = @id", connection, transaction))
        {
            edit.Parameters.Add(new NpgsqlParameter<long>("id", article.Id));
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        // Same river, category and hour as the open transaction's article, saved before that one commits.
        await node.SaveArticlesAsync([NewArticle(other.Id, "id:other")], [], default);

        Assert.True(await node.GetVersionAsync(default) > version);
        Assert.True(await RiverAsync() > river);
        Assert.Equal(heldVersion, await node.GetContentVersionAsync(heldOnly, default));
        (version, river) = (await node.GetVersionAsync(default), await RiverAsync());

        await transaction.CommitAsync();
        await SeenAsync(node);

        Assert.True(await node.GetVersionAsync(default) > version);
        Assert.True(await RiverAsync() > river);
        Assert.True(await node.GetContentVersionAsync(heldOnly, default) > heldVersion);

        Task<long> RiverAsync() => node.GetContentVersionAsync([ContentScope.River], default);
    }

    [Fact]
    public async Task Two_transactions_writing_articles_of_the_same_hours_in_opposite_orders_both_commit_and_both_move_them()
    {
        var (first, second) = (await Store.AddSourceAsync(NewSource("https://a.example/feed"), default), await Store.AddSourceAsync(NewSource("https://b.example/feed"), default));
        var (early, late) = (T0, T0.AddHours(5));
        Article[] articles = [NewArticle(first.Id, "id:1-early", early), NewArticle(first.Id, "id:1-late", late), NewArticle(second.Id, "id:2-late", late), NewArticle(second.Id, "id:2-early", early)];
        await Store.SaveArticlesAsync(articles, [], default);
        ContentScope[] scopes = [ContentScope.Hour(early), ContentScope.Hour(late), ContentScope.River, ContentScope.Category("Tech"), ContentScope.Source(first.Id), ContentScope.Source(second.Id)];
        var before = await Task.WhenAll(scopes.Select(scope => Store.GetContentVersionAsync([scope], default)));

        await using var oneConnection = await OpenConnectionAsync();
        await using var twoConnection = await OpenConnectionAsync();
        await using var one = await oneConnection.BeginTransactionAsync();
        await using var two = await twoConnection.BeginTransactionAsync();
        // The first writes the early hour and then the late one, the second the other way round; neither waits.
        await EditAsync(one, articles[0]);
        await EditAsync(two, articles[2]);
        await EditAsync(one, articles[1]);
        await EditAsync(two, articles[3]);
        // The commits meet on the versions' rows: one waits for the other, and a cycle would fail one of them.
        await Task.WhenAll(CommitAsync(one), CommitAsync(two));
        await SeenAsync((PostgresFeedStore)Store);

        var after = await Task.WhenAll(scopes.Select(scope => Store.GetContentVersionAsync([scope], default)));
        Assert.Equal(before.Zip([2L, 2, 2, 2, 1, 1], (was, moves) => was + moves), after);

        async Task<NpgsqlConnection> OpenConnectionAsync()
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Options = NoWaitForLocks }.ConnectionString);
            await connection.OpenAsync();
            return connection;
        }

        static async Task EditAsync(NpgsqlTransaction transaction, Article article)
        {
            await using var edit = new NpgsqlCommand("UPDATE articles SET title = title || ' (edited)' WHERE id = @id", transaction.Connection, transaction);
            edit.Parameters.Add(new NpgsqlParameter<long>("id", article.Id));
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        static async Task CommitAsync(NpgsqlTransaction transaction)
        {
            await using (var wait = new NpgsqlCommand("SET LOCAL lock_timeout = 0", transaction.Connection, transaction))
            {
                await wait.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }
}
