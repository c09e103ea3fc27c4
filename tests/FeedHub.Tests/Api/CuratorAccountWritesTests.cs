using FeedHub.Core.Storage;
using FeedHub.Curators;
using FeedHub.Storage.Tests;
using FeedHub.Tests.Support;

namespace FeedHub.Tests.Api;

/// <summary>
/// Writes of one curator account at once (a token in use, a revocation, a new token, a new password) each apply to
/// the account as stored then: none undoes another. On PostgreSQL, where several processes share the accounts, a
/// third transaction holds the curator's row so that the writes queue in a known order.
/// </summary>
public sealed class CuratorAccountWritesTests
{
    private const string Application = "feedhub-test-accounts";
    private const string Password = "correct horse battery";

    [Fact]
    public async Task On_postgres_a_token_in_use_while_it_is_revoked_stays_revoked()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var app = await StartAsync(database.ConnectionString);
        var accounts = app.Get<CuratorAccounts>();
        var (curator, token) = await accounts.CreateAsync("ada", Password, default);
        var prefix = Assert.Single(curator.Tokens).Prefix;

        await using var holder = await PostgresRowLocks.HoldAsync(database.ConnectionString, "curators", curator.Id);
        var revoke = accounts.RevokeTokenAsync("ada", prefix, default);
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Application, "curators", 1, revoke);
        // A request with the token was checked before the revocation and records its use after it.
        var use = accounts.AuthenticateTokenAsync(token, default);
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Application, "curators", 2, use);

        await holder.ReleaseAsync();
        Assert.True(await revoke);
        await use;

        Assert.Null(await accounts.AuthenticateTokenAsync(token, default));
        var stored = await app.Get<IFeedStore>().GetCuratorByNameAsync("ada", default);
        Assert.False(Assert.Single(stored!.Tokens).IsActive);
    }

    [Fact]
    public async Task On_postgres_a_password_reset_and_a_new_token_at_once_both_stay()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var app = await StartAsync(database.ConnectionString);
        var accounts = app.Get<CuratorAccounts>();
        var (curator, _) = await accounts.CreateAsync("ada", Password, default);

        await using var holder = await PostgresRowLocks.HoldAsync(database.ConnectionString, "curators", curator.Id);
        var reset = accounts.ResetPasswordAsync("ada", "a brand new password", default);
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Application, "curators", 1, reset);
        var issue = accounts.IssueTokenAsync("ada", default);
        await PostgresRowLocks.WaitUntilWaitingAsync(database.ConnectionString, Application, "curators", 2, issue);

        await holder.ReleaseAsync();
        await reset;
        var token = await issue;

        Assert.NotNull(await accounts.CheckPasswordAsync("ada", "a brand new password", default));
        Assert.Null(await accounts.CheckPasswordAsync("ada", Password, default));
        Assert.NotNull(await accounts.AuthenticateTokenAsync(token, default));
    }

    private static Task<TestApp> StartAsync(string connectionString)
        => TestApp.StartAsync(worker: false, settings:
        [
            "--FeedHub:Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={PostgresRowLocks.Named(connectionString, Application)}",
        ]);
}
