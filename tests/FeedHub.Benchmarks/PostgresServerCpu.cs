using System.Globalization;

namespace FeedHub.Benchmarks;

/// <summary>
/// The CPU time the PostgreSQL server of <c>tests/postgres.sh</c> has used (its postmaster and every process it has
/// running: the backends serving the benchmark's pooled connections, and background workers), from the scheduler's
/// nanosecond counts in <c>/proc</c>: what a query costs the database, beside what it costs the process asking.
/// </summary>
internal sealed class PostgresServerCpu
{
    private readonly int _postmaster;

    private PostgresServerCpu(int postmaster) => _postmaster = postmaster;

    /// <summary>The server in FEEDHUB_TEST_POSTGRES_DIR, or null where its processes cannot be read (not set, not Linux).</summary>
    public static PostgresServerCpu? Find()
    {
        var directory = Environment.GetEnvironmentVariable("FEEDHUB_TEST_POSTGRES_DIR");
        var pidFile = string.IsNullOrWhiteSpace(directory) ? null : Path.Combine(directory, "data", "postmaster.pid");
        if (pidFile is null || !File.Exists(pidFile)
            || !int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var pid)
            || !File.Exists($"/proc/{pid}/task/{pid}/children"))
        {
            return null;
        }

        return new PostgresServerCpu(pid);
    }

    /// <summary>The server's CPU time so far; a process that ended since the last reading takes its time with it.</summary>
    public TimeSpan Read()
    {
        var nanoseconds = Of(_postmaster);
        foreach (var child in File.ReadAllText($"/proc/{_postmaster}/task/{_postmaster}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            nanoseconds += Of(int.Parse(child, CultureInfo.InvariantCulture));
        }

        return TimeSpan.FromTicks(nanoseconds / 100);
    }

    private static long Of(int pid)
    {
        try
        {
            return long.Parse(File.ReadAllText($"/proc/{pid}/schedstat").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            // Ended between the list and the reading.
            return 0;
        }
    }
}
