using System.Diagnostics;
using FeedHub.Storage.LiteDb;
using LiteDB;
using LiteDB.Engine;

namespace FeedHub.Storage.Tests;

/// <summary>
/// A closed LiteDB engine's transactions never reach LiteDB's finalizer, whose exception ends the process (a server
/// died so under load: "discarded page must be writable" on the finalizer thread, once its engine had been replaced).
/// The scenarios (<see cref="ClosedEngineScenarios"/>) run in a process of their own, which must live through the
/// collections that finalize what the replaced engine left.
/// </summary>
public sealed class ClosedEngineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("feedhub-closed-engine-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("write-alone")]
    [InlineData("transaction-among-others")]
    public async Task A_process_lives_on_after_a_commit_refused_by_a_full_disk_replaced_its_engine(string scenario)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[typeof(ClosedEngineScenarios).Assembly.Location, "scenario", scenario, _directory])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, $"the scenario's process ended with {process.ExitCode}: {await error}");
        Assert.Equal("lived on", (await output).Trim());
    }

    /// <summary>
    /// The transactions are read from LiteDB's own fields (it has no public way to them): a LiteDB whose fields moved
    /// fails here, not in a server whose engine was replaced.
    /// </summary>
    [Fact]
    public void An_engine_s_open_transactions_are_found_where_LiteDB_keeps_them()
    {
        using var engine = new LiteEngine(Path.Combine(_directory, "feedhub.db"));
        Assert.Empty(ClosedEngines.TransactionsOf(engine));

        engine.BeginTrans();
        engine.Insert("numbers", [new BsonDocument { ["_id"] = 1 }], BsonAutoId.Int32);
        Assert.Equal("LiteDB.Engine.TransactionService", Assert.Single(ClosedEngines.TransactionsOf(engine)).GetType().FullName);

        engine.Rollback();
        Assert.Empty(ClosedEngines.TransactionsOf(engine));
    }
}
