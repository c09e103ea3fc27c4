using Xunit.Abstractions;

namespace FeedHub.Tests.Support;

/// <summary>
/// Figures a test measured, such as the seconds an issue's acceptance bound is about: measured and printed, never
/// asserted. They go to the test's output and, when <c>FEEDHUB_TEST_FIGURES</c> names a file (tests/run.sh sets it and
/// prints the file at the end), to that file too.
/// </summary>
public static class Figures
{
    private static readonly Lock FileLock = new();

    public static void Report(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("FEEDHUB_TEST_FIGURES") is { Length: > 0 } path)
        {
            lock (FileLock)
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}
