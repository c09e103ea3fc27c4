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

    public static double Percentile(double[] sorted, double fraction)
        => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
