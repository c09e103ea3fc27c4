using System.Diagnostics;

namespace FeedHub.Benchmarks;

/// <summary>Latency of a repeated call: a warm-up, then every call timed.</summary>
internal static class Latency
{
    /// <summary>Runs <paramref name="run"/> up to 20 times unmeasured, then <paramref name="count"/> times; the milliseconds of each, sorted.</summary>
    public static async Task<double[]> MeasureAsync<T>(int count, Func<Task<T>> run)
    {
        for (var i = 0; i < Math.Min(20, count); i++)
        {
            await run();
        }

        var milliseconds = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await run();
            milliseconds[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(milliseconds);
        return milliseconds;
    }

    /// <summary>
    /// Milliseconds of each run of <paramref name="measured"/> (after <paramref name="before"/>, not timed), each sorted:
    /// wall, this process's CPU (less inflated than wall when the machine is shared), and the PostgreSQL server's CPU
    /// when <paramref name="server"/> is given (read outside the process's CPU window; zeros otherwise).
    /// </summary>
    public static async Task<CpuTimings> MeasureCpuAsync(int count, PostgresServerCpu? server, Func<Task>? before, Func<Task> measured)
    {
        var (wall, cpu, serverCpu) = (new double[count], new double[count], new double[count]);
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < count; i++)
        {
            if (before is not null)
            {
                await before();
            }

            var serverBefore = server?.Read();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await measured();
            wall[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            serverCpu[i] = (server?.Read() - serverBefore)?.TotalMilliseconds ?? 0;
        }

        Array.Sort(wall);
        Array.Sort(cpu);
        Array.Sort(serverCpu);
        return new CpuTimings(wall, cpu, serverCpu);
    }

    public static double Percentile(double[] sorted, double fraction)
        => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}

/// <summary>Milliseconds of each run, each sorted: wall, this process's CPU, and the database server's CPU (zeros when not read).</summary>
internal sealed record CpuTimings(double[] Wall, double[] Cpu, double[] ServerCpu);
