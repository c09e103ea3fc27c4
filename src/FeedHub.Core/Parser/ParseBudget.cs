using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FeedHub.Core.Parser;

/// <summary>
/// The processor time one document may take to parse. The parser is synchronous and runs on one thread, so the
/// budget counts that thread's CPU time (on Linux; elsewhere the elapsed time): a busy machine slows a parse down
/// without using up its budget. Loops call <see cref="Tick"/>, which costs a decrement; the clock is read once per
/// <see cref="Stride"/> units of work.
/// </summary>
public sealed partial class ParseBudget
{
    /// <summary>Units of work (characters read, loop turns) between two readings of the clock.</summary>
    private const int Stride = 64 * 1024;

    private readonly long startedAt;
    private readonly long limit;
    private int remaining = Stride;

    private ParseBudget(TimeSpan limit)
    {
        Limit = limit;
        this.limit = ToClockUnits(limit);
        startedAt = Now();
    }

    public TimeSpan Limit { get; }

    /// <summary>A budget that never runs out, for callers that bound their input otherwise.</summary>
    public static ParseBudget Unlimited { get; } = new(Timeout.InfiniteTimeSpan);

    /// <summary>Starts counting on the calling thread, which must be the one that parses.</summary>
    public static ParseBudget Start(TimeSpan limit) => limit == Timeout.InfiniteTimeSpan ? Unlimited : new ParseBudget(limit);

    /// <summary>Notes <paramref name="units"/> of work; throws <see cref="ParseBudgetExceededException"/> once the time is used up.</summary>
    public void Tick(int units = 1)
    {
        remaining -= units;
        if (remaining <= 0)
        {
            remaining = Stride;
            ThrowIfSpent();
        }
    }

    /// <summary>Reads the clock now (before a step whose cost is not counted in ticks).</summary>
    public void ThrowIfSpent()
    {
        if (limit >= 0 && Now() - startedAt > limit)
        {
            throw new ParseBudgetExceededException(Limit);
        }
    }

    private static long ToClockUnits(TimeSpan limit) => limit == Timeout.InfiniteTimeSpan
        ? -1
        : UsesThreadCpuTime ? (long)(limit.TotalMilliseconds * 1_000_000) : (long)(limit.TotalSeconds * Stopwatch.Frequency);

    private static readonly bool UsesThreadCpuTime = OperatingSystem.IsLinux() && TryThreadCpuNanoseconds(out _);

    /// <summary>Nanoseconds of this thread's CPU time on Linux, else <see cref="Stopwatch"/> ticks.</summary>
    private static long Now() => UsesThreadCpuTime && TryThreadCpuNanoseconds(out var nanoseconds) ? nanoseconds : Stopwatch.GetTimestamp();

    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private static bool TryThreadCpuNanoseconds(out long nanoseconds)
    {
        try
        {
            if (ClockGetTime(ClockThreadCpuTime, out var time) == 0)
            {
                nanoseconds = (time.Seconds * 1_000_000_000) + time.Nanoseconds;
                return true;
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
        }

        nanoseconds = 0;
        return false;
    }
}

/// <summary>A document used up its <see cref="ParseBudget"/>; it is refused rather than allowed to hold a worker.</summary>
public sealed class ParseBudgetExceededException(TimeSpan limit)
    : Exception($"refused: the document needed more than {limit.TotalSeconds:0.##} s of processor time to parse (FeedHub:Parser:TimeBudget); it is too large or too complex, or built to stall feed readers")
{
    public TimeSpan Limit { get; } = limit;
}
