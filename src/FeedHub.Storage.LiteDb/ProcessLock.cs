using System.Diagnostics;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// An exclusive lock file held for the life of the process, so that a second process never opens the same
/// LiteDB file (on Linux it could, and would then corrupt it). Its owner's pid is written beside it.
/// </summary>
internal sealed class ProcessLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _ownerPath;

    private ProcessLock(FileStream lockStream, string ownerPath)
    {
        _lock = lockStream;
        _ownerPath = ownerPath;
    }

    public static ProcessLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        var ownerPath = databasePath + ".owner";
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            var owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "unknown";
            var running = int.TryParse(owner, out var pid) && IsRunning(pid) ? $"FeedHub process {pid}" : "another FeedHub process";
            throw new StoreInUseException(
                $"the database {Path.GetFullPath(databasePath)} is in use by {running}; only one process may open it. "
                + "Stop that process first, or use its web side and API while it runs.");
        }

        try
        {
            File.WriteAllText(ownerPath, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            // Only a note for whoever finds the lock held (a full disk refuses it): the lock itself holds.
        }

        return new ProcessLock(stream, ownerPath);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_ownerPath);
        }
        catch (IOException)
        {
        }

        _lock.Dispose();
    }
}
