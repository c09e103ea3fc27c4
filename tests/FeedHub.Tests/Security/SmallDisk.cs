using System.Diagnostics;

namespace FeedHub.Tests.Security;

/// <summary>
/// A small tmpfs of its own (mounted as root, as CI runs the tests) that a test fills to the last byte with a ballast
/// file and empties again, so FeedHub meets a really full disk and its return.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    private string Ballast => System.IO.Path.Combine(Path, "ballast");

    public static SmallDisk Mount(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("feedhub-small-disk-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"the disk-full tests mount a {megabytes} MB tmpfs and need root for it (tests/run.sh runs as root in CI): mount said {output}");
        }

        return new SmallDisk(path);
    }

    /// <summary>Fills every free byte with the ballast file.</summary>
    public void Fill()
    {
        using var ballast = new FileStream(Ballast, FileMode.Append, FileAccess.Write);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                ballast.Write(block);
                ballast.Flush();
            }
        }
        catch (IOException)
        {
            // No space left on device: full.
        }
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Gives the space back.</summary>
    public void Empty() => File.Delete(Ballast);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static (int Code, string Output) Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
