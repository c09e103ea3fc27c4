using System.Runtime.InteropServices;

namespace FeedHub.Worker;

/// <summary>
/// Gives memory back to the system once a burst of work is over (polling, or rendering pages on a web node). While it
/// works the process grows its heap and the collector keeps the memory it grew to (free regions, its generation-0
/// budget) for the next burst, which may be an hour away. Every <see cref="CheckEvery"/>, when the process has been quiet since the last look and busy since
/// memory was last given back (<see cref="IdleMemory"/>), one aggressive collection compacts the heap and releases
/// what it does not use, and the C library's allocator is trimmed (<see cref="NativeHeap"/>). While work goes on the same
/// is done only when the heap outgrew what is alive (<see cref="HeapSlack"/>) and no reader came since the last look
/// (<see cref="ReadersAway"/>): that collection stops every thread for as long as it runs. After 1,000 new feeds the collection took the heap's committed memory from 70 to 23 MB and the RSS from 259
/// to 212 MB, for 60 ms of CPU; after 10,000 new feeds, glibc malloc's resident memory was 19-26 MB with the trim against
/// 27-56 MB without it (README, Performance, Memory).
/// </summary>
public sealed partial class IdleMemoryReturn(TimeProvider timeProvider, ReaderRequests readerRequests, ILogger<IdleMemoryReturn> logger) : BackgroundService
{
    internal static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = new IdleMemory(GC.GetTotalAllocatedBytes());
        var readersAway = new ReadersAway(readerRequests.Started);
        using var timer = new PeriodicTimer(CheckEvery, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var away = readersAway.AtLook(readerRequests.Started);
                if (idle.ShouldReturn(GC.GetTotalAllocatedBytes()))
                {
                    ReturnMemory();
                }
                else if (away && HeapSlack.ShouldCompact())
                {
                    CompactWhileBusy();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void ReturnMemory()
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var residentBefore = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        NativeHeap.Trim();
        LogReturned(logger, before / (1024 * 1024), after / (1024 * 1024), residentBefore / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
    }

    /// <summary>
    /// Gives back the dead objects and free space that background collections leave in the old generations while work
    /// goes on, as <see cref="ReturnMemory"/> does once it is over (a compacting collection, then the C library's heap trimmed).
    /// </summary>
    private void CompactWhileBusy()
    {
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        // Every thread of the process, requests included, waits for this collection: its pause is what readers pay.
        var pausedBefore = GC.GetTotalPauseDuration();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var pause = GC.GetTotalPauseDuration() - pausedBefore;
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        NativeHeap.Trim();
        LogCompacted(logger, before / (1024 * 1024), after / (1024 * 1024), (long)pause.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The heap outgrew what is alive: a compacting collection took its committed memory from {BeforeMegabytes} MB to {AfterMegabytes} MB and paused the process for {PauseMilliseconds} ms")]
    private static partial void LogCompacted(ILogger logger, long beforeMegabytes, long afterMegabytes, long pauseMilliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Work is idle: the heap's committed memory went from {BeforeMegabytes} MB to {AfterMegabytes} MB, the process's resident memory from {ResidentBeforeMegabytes} MB to {ResidentAfterMegabytes} MB")]
    private static partial void LogReturned(ILogger logger, long beforeMegabytes, long afterMegabytes, long residentBeforeMegabytes, long residentAfterMegabytes);
}

/// <summary>
/// The C library's allocator (glibc malloc), which zlib, ICU, OpenSSL and the runtime itself allocate from. It keeps
/// the pages of freed blocks for the next allocation, in each of its arenas (one per thread that allocated at once with
/// another, up to eight per core), and gives back on its own only what is free at the very top of a heap:
/// 26-56 MB of a polling server's resident memory.
/// </summary>
internal static partial class NativeHeap
{
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Gives the whole pages of every free block in every arena back to the system (glibc's malloc_trim).</summary>
    public static void Trim()
    {
        if (s_unavailable)
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another C library, without malloc_trim: its allocator is left as it is.
            s_unavailable = true;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}

/// <summary>
/// When to give memory back, from the bytes the process allocated so far, read at regular looks: after a burst (at
/// least <see cref="BurstBytes"/> allocated since memory was last given back), at the first look that finds the
/// process quiet (less than <see cref="QuietBytes"/> since the one before).
/// </summary>
internal sealed class IdleMemory(long allocated)
{
    /// <summary>What an idle server allocates between two looks stays well below this (timers, the schedule check).</summary>
    internal const long QuietBytes = 4L * 1024 * 1024;

    /// <summary>About 100 new feeds' worth: less work than that leaves too little behind to be worth a full collection.</summary>
    internal const long BurstBytes = 64L * 1024 * 1024;

    private long _lastLook = allocated;
    private long _lastReturn = allocated;

    public bool ShouldReturn(long allocated)
    {
        var quiet = allocated - _lastLook < QuietBytes;
        _lastLook = allocated;
        if (!quiet || allocated - _lastReturn < BurstBytes)
        {
            return false;
        }

        _lastReturn = allocated;
        return true;
    }
}

/// <summary>
/// The requests this node began to answer for readers, curators and API clients (a web node's; none on a worker alone):
/// health probes and metrics scrapes aside, which wait out a pause unharmed.
/// </summary>
public sealed class ReaderRequests
{
    private long _started;

    public long Started => Interlocked.Read(ref _started);

    public void Begin(PathString path)
    {
        if (!path.StartsWithSegments("/healthz") && !path.StartsWithSegments("/readyz") && !path.StartsWithSegments(Metrics.MetricsEndpoint.Path))
        {
            Interlocked.Increment(ref _started);
        }
    }
}

/// <summary>
/// Whether no reader came between two looks, from the count of their requests at each look. The compaction while busy
/// waits for such a look: its pause (0.1-3 s, median 0.57, at a load of 22-49 on two cores, a million articles) is every request's in
/// flight or arriving meanwhile, and a polling server compacted every 30-40 s, so a reader every few seconds met it in
/// more of their requests than the p99 leaves (README, Performance). A node polling for nobody compacts as before.
/// </summary>
internal sealed class ReadersAway(long started)
{
    private long _lastLook = started;

    public bool AtLook(long started)
    {
        var away = started == _lastLook;
        _lastLook = started;
        return away;
    }
}

/// <summary>
/// When the heap holds more than the process can afford beyond what its last full collection found alive. Background
/// collections (kept for page latency) sweep gen2 but never compact it, and what polls held while their writes waited
/// for the store dies there: between two full collections the heap's committed memory grew to 150-180 MB for 60-70 MB
/// alive, most of a round's peak RSS above the 300 MB goal (README, Performance, Memory). Read from what the collector
/// recorded, so it costs nothing to ask every few seconds.
/// </summary>
internal static class HeapSlack
{
    /// <summary>
    /// The gen0 budget (16 MB) and 16 MB of dead objects and free space. At 48 MB a round of 4,000 new feeds swung
    /// between 62 and 100 MB committed; at 32 MB its peak's GC part was 84-96 MB against 99-101 MB, and 116 against
    /// 141 MB at 10,000 feeds, for no CPU per feed beyond the load's swing (README, Performance, Memory, 2026-12-08).
    /// Each compaction is a pause that every request in flight waits for, and they come more often than at 48 MB.
    /// </summary>
    internal const long MaxSlackBytes = 32L * 1024 * 1024;

    public static bool ShouldCompact()
    {
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var lastFull = background.Index > blocking.Index ? background : blocking;
        return lastFull.Index > 0 && ShouldCompact(GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes, lastFull.HeapSizeBytes - lastFull.FragmentedBytes);
    }

    /// <summary>Whether <paramref name="committedBytes"/> exceed <paramref name="liveBytes"/> by <see cref="MaxSlackBytes"/>.</summary>
    public static bool ShouldCompact(long committedBytes, long liveBytes) => committedBytes - liveBytes >= MaxSlackBytes;
}
