using System.Diagnostics;
using System.Runtime.CompilerServices;
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

    [Fact]
    public void The_engine_a_refused_write_closed_is_let_go_while_the_thread_that_made_the_write_lives_on()
    {
        var path = Path.Combine(_directory, "feedhub.db");
        using var engine = ClosedEngineScenarios.OnAFullDisk(path);
        using var database = new LiteDatabase(engine);
        var numbers = database.GetCollection("numbers");

        var closed = RefuseAWrite(engine, numbers);
        for (var collection = 0; collection < 3; collection++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(closed.IsAlive, "the closed engine is still held (by this thread's slot in it)");
        ClosedEngineScenarios.RoomAgain(path);
        numbers.InsertBulk(ClosedEngineScenarios.Numbers(101, 200));
        Assert.Equal(200, numbers.Count());
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

    /// <summary>A write on this thread, refused by the full disk: the engine it was refused by, held weakly.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RefuseAWrite(ReopeningEngine engine, ILiteCollection<BsonDocument> numbers)
    {
        var closed = new WeakReference(engine.Open);
        Assert.Contains("No space left on device", Assert.ThrowsAny<IOException>(() => numbers.InsertBulk(ClosedEngineScenarios.Numbers(101, 200))).Message, StringComparison.Ordinal);
        Assert.Null(engine.Open);
        return closed;
    }
}
