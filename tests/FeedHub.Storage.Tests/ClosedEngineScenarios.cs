using FeedHub.Storage.LiteDb;
using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeedHub.Storage.Tests;

/// <summary>
/// A commit refused by a full disk, which replaces LiteDB's engine under the transactions under way, in a process of
/// its own (<see cref="ClosedEngineTests"/> starts it): the closed engine and its transactions are collected and
/// finalized, and the process must live on, with every write that was done and told so in the file. The disk is full for
/// the log alone: LiteDB's log is a link to /dev/full, whose every write the kernel refuses as a full disk does
/// ("No space left on device"), at a commit's first page, which LiteDB has taken from the transaction's for the log's.
/// LiteDB keeps a transaction in its thread's slot until it ends: one the closing left open is finalized once its thread
/// is gone, so the refused write and the others under way run on threads of their own, which end.
/// </summary>
internal static class ClosedEngineScenarios
{
    public static int Run(string name, string directory)
    {
        var path = Path.Combine(directory, "feedhub.db");
        using var engine = OnAFullDisk(path);
        using var database = new LiteDatabase(engine);
        var numbers = database.GetCollection("numbers");
        var letters = database.GetCollection("letters");
        switch (name)
        {
            case "write-alone":
                RefusedWriteAlone(numbers, path);
                break;
            case "transaction-among-others":
                RefusedTransactionAmongOthers(engine, database, numbers, letters, path);
                break;
            default:
                throw new ArgumentException($"no scenario '{name}'", nameof(name));
        }

        // The closed engine and the threads its transactions were begun on are gone: the transactions are garbage (in
        // the collection after the one that finalizes the engine's thread slots) and finalized.
        for (var collection = 0; collection < 3; collection++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // Nothing that was done is lost: what was refused was done again once there was room.
        Check(numbers.FindAll().Select(document => document["_id"].AsInt32).SequenceEqual(Enumerable.Range(1, 200)), "numbers 1 to 200");
        string[] expectedLetters = name == "write-alone" ? [] : ["a", "b"];
        Check(letters.FindAll().Select(document => document["Text"].AsString).SequenceEqual(expectedLetters), "the letters");
        Console.WriteLine("lived on");
        return 0;
    }

    /// <summary>An engine on numbers 1 to 100 whose log is on the full disk from its next commit on.</summary>
    internal static ReopeningEngine OnAFullDisk(string path)
    {
        using (var setUp = new LiteDatabase(path))
        {
            setUp.GetCollection("numbers").InsertBulk(Numbers(1, 100));
        }

        // Closed, LiteDB copied its log into the file and removed it; the engine opened now opens its log at its first
        // commit, on the full disk.
        var engine = new ReopeningEngine(path, NullLogger.Instance);
        File.CreateSymbolicLink(LogOf(path), "/dev/full");
        return engine;
    }

    /// <summary>Room on the disk again: the log is a file again (the replaced engine may have removed the link).</summary>
    internal static void RoomAgain(string path) => File.Delete(LogOf(path));

    internal static IEnumerable<BsonDocument> Numbers(int from, int to)
        => Enumerable.Range(from, to - from + 1).Select(i => new BsonDocument { ["_id"] = i, ["Text"] = new string('n', 200) });

    /// <summary>A write alone, refused at its commit: LiteDB closes the engine itself, and the write replaces it.</summary>
    private static void RefusedWriteAlone(ILiteCollection<BsonDocument> numbers, string path)
    {
        Join(Start(() => Refused(() => numbers.InsertBulk(Numbers(101, 200)))));
        RoomAgain(path);
        numbers.InsertBulk(Numbers(101, 200));
    }

    /// <summary>
    /// A group of writes in a transaction, as the store commits a group of polls, refused at its commit while another
    /// thread has a transaction of its own under way and a third is halfway through a result, both begun after it (the
    /// closing disposes transactions in the order they began, and stopped at the refused one): the other two are done
    /// again on the engine opened again.
    /// </summary>
    private static void RefusedTransactionAmongOthers(ReopeningEngine engine, LiteDatabase database, ILiteCollection<BsonDocument> numbers,
        ILiteCollection<BsonDocument> letters, string path)
    {
        using var begun = new ManualResetEventSlim();
        using var underWay = new CountdownEvent(2);
        using var replaced = new ManualResetEventSlim();
        var group = Start(() =>
        {
            database.BeginTrans();
            numbers.InsertBulk(Numbers(101, 200));
            begun.Set();
            underWay.Wait();
            Refused(() => database.Commit());
            database.Rollback();
            RoomAgain(path);
            replaced.Set();
        });
        begun.Wait();

        var writer = Start(() =>
        {
            for (var attempt = 1; ; attempt++)
            {
                database.BeginTrans();
                try
                {
                    letters.Insert(Letter("a"));
                    if (attempt == 1)
                    {
                        underWay.Signal();
                        replaced.Wait();
                    }

                    letters.Insert(Letter("b"));
                    database.Commit();
                    return;
                }
                catch (IOException) when (attempt == 1)
                {
                    database.Rollback();
                }
            }
        });
        var read = new List<int>();
        var reader = Start(() =>
        {
            var attempts = 0;
            read = engine.Read(() =>
            {
                attempts++;
                var ids = new List<int>();
                foreach (var document in numbers.FindAll())
                {
                    ids.Add(document["_id"].AsInt32);
                    if (attempts == 1 && ids.Count == 10)
                    {
                        underWay.Signal();
                        replaced.Wait();
                    }
                }

                return ids;
            });
        });
        Join(group);
        Join(writer);
        Join(reader);
        Check(read.SequenceEqual(Enumerable.Range(1, 100)), "the reader's numbers 1 to 100");

        database.BeginTrans();
        numbers.InsertBulk(Numbers(101, 200));
        database.Commit();
    }

    /// <summary>Runs <paramref name="action"/> on a thread of its own (LiteDB's transactions are their thread's).</summary>
    private static (Thread Thread, Func<Exception?> Failure) Start(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception caught)
            {
                failure = caught;
            }
        });
        thread.Start();
        return (thread, () => failure);
    }

    /// <summary>Waits for the thread to end, and throws what it failed with, if anything.</summary>
    private static void Join((Thread Thread, Func<Exception?> Failure) started)
    {
        started.Thread.Join();
        if (started.Failure() is { } failure)
        {
            throw new InvalidOperationException("a thread of the scenario failed", failure);
        }
    }

    private static void Refused(Action write)
    {
        try
        {
            write();
        }
        catch (IOException refused) when (refused.Message.Contains("No space left on device", StringComparison.Ordinal))
        {
            return;
        }

        throw new InvalidOperationException("the write was not refused");
    }

    private static string LogOf(string path) => Path.ChangeExtension(path, null) + "-log" + Path.GetExtension(path);

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"not as expected: {what}");
        }
    }

    private static BsonDocument Letter(string text) => new() { ["Text"] = text };
}
