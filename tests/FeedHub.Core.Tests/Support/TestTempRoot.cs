using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace FeedHub.Tests.Support;

/// <summary>
/// Gives each test process a temporary folder of its own, removed when the process ends, so the data folders, LiteDB
/// files and browser profiles the tests make never pile up in the machine's temporary folder. Tests that restart
/// FeedHub on an earlier run's folder need it kept until they end, so nothing is removed per test: the whole root goes
/// at the process's exit, and the roots of runs that were killed (their process gone) at the next run's start.
/// </summary>
/// <remarks>
/// It works by pointing <c>TMPDIR</c> at the root, which <see cref="Path.GetTempPath"/> reads on every call on Unix and
/// which the processes a test starts (FeedHub's command line, Chromium) inherit, so no test has to be told.
/// </remarks>
internal static class TestTempRoot
{
    private const string Prefix = "feedhub-testrun-";

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The root must be set before any test asks for a temporary folder.")]
    internal static void Claim()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var machineTemp = Path.GetTempPath();
        RemoveRootsOfEndedRuns(machineTemp);
        var root = Path.Combine(machineTemp, Prefix + Environment.ProcessId);
        Directory.CreateDirectory(root);
        Environment.SetEnvironmentVariable("TMPDIR", root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryRemove(root);
    }

    private static void RemoveRootsOfEndedRuns(string machineTemp)
    {
        foreach (var folder in Directory.EnumerateDirectories(machineTemp, Prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder).AsSpan(Prefix.Length), out var pid) && !IsRunning(pid))
            {
                TryRemove(folder);
            }
        }
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

    private static void TryRemove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            // A file still held (a child process not yet gone): the next run's start removes what is left.
        }
    }
}
