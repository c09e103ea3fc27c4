using System.Globalization;
using System.Runtime.InteropServices;
using FeedHub.Tests.Support;
using FeedHub.Worker;
using Microsoft.Extensions.Hosting;

namespace FeedHub.Tests.Worker;

public sealed class IdleMemoryTests
{
    private const long MB = 1024 * 1024;

    /// <summary>A node that only serves pages grows its heap rendering them (a digest day, the blogroll) and gives it back too.</summary>
    [Fact]
    public async Task A_web_only_node_gives_memory_back_as_a_worker_does()
    {
        await using var app = await TestApp.StartAsync(worker: false);

        Assert.Contains(app.Get<IEnumerable<IHostedService>>(), service => service is IdleMemoryReturn);
    }

    [Fact]
    public void Memory_is_given_back_at_the_first_quiet_look_after_a_burst()
    {
        var idle = new IdleMemory(allocated: 100 * MB);

        Assert.False(idle.ShouldReturn(200 * MB)); // polling
        Assert.False(idle.ShouldReturn(300 * MB)); // still polling
        Assert.True(idle.ShouldReturn(301 * MB)); // quiet
    }

    [Fact]
    public void Memory_is_given_back_once_per_burst()
    {
        var idle = new IdleMemory(allocated: 0);
        Assert.False(idle.ShouldReturn(500 * MB));
        Assert.True(idle.ShouldReturn(501 * MB));

        for (var look = 0; look < 100; look++)
        {
            Assert.False(idle.ShouldReturn(501 * MB));
        }

        Assert.False(idle.ShouldReturn(1000 * MB));
        Assert.True(idle.ShouldReturn(1000 * MB));
    }

    [Fact]
    public void A_process_that_did_little_keeps_its_memory()
    {
        var idle = new IdleMemory(allocated: 0);

        // An idle server's own work (timers, the schedule check) adds up, between quiet looks, to less than a burst.
        for (var look = 1; look <= 10; look++)
        {
            Assert.False(idle.ShouldReturn(look * 3 * MB));
        }
    }

    [Fact]
    public void A_burst_made_of_many_small_steps_counts_once_it_is_over()
    {
        var idle = new IdleMemory(allocated: 0);
        var allocated = 0L;

        // Work at just under the quiet rate never looks busy, but what it adds up to is a burst all the same.
        while (allocated < IdleMemory.BurstBytes - IdleMemory.QuietBytes)
        {
            allocated += IdleMemory.QuietBytes - 1;
            Assert.False(idle.ShouldReturn(allocated));
        }

        allocated += IdleMemory.QuietBytes - 1;
        Assert.True(idle.ShouldReturn(allocated));
    }

    [Fact]
    public void A_busy_heap_is_compacted_once_it_holds_more_than_the_slack_beyond_what_is_alive()
    {
        Assert.False(HeapSlack.ShouldCompact(committedBytes: 60 * MB + HeapSlack.MaxSlackBytes - 1, liveBytes: 60 * MB));
        Assert.True(HeapSlack.ShouldCompact(committedBytes: 60 * MB + HeapSlack.MaxSlackBytes, liveBytes: 60 * MB));
        Assert.True(HeapSlack.ShouldCompact(committedBytes: 160 * MB, liveBytes: 65 * MB)); // main's peak at 10,000 feeds
    }

    /// <summary>
    /// The gen0 budget (16 MB) and 16 MB more dead or free: a polling server's heap swung to 45 MB beyond what was alive
    /// between two compactions when it waited for 48 MB, which is most of what its peak holds above the 300 MB goal.
    /// </summary>
    [Fact]
    public void A_busy_heap_is_compacted_once_it_holds_twice_the_gen0_budget_beyond_what_is_alive()
    {
        Assert.False(HeapSlack.ShouldCompact(committedBytes: 60 * MB + 31 * MB, liveBytes: 60 * MB));
        Assert.True(HeapSlack.ShouldCompact(committedBytes: 60 * MB + 32 * MB, liveBytes: 60 * MB));
        Assert.True(HeapSlack.ShouldCompact(committedBytes: 99 * MB, liveBytes: 55 * MB)); // main's swing at 4,000 feeds
    }

    [Fact]
    public void The_heap_is_compacted_while_busy_only_at_a_look_that_no_reader_came_before()
    {
        var readers = new ReadersAway(started: 5);

        Assert.True(readers.AtLook(5)); // polling for nobody
        Assert.False(readers.AtLook(6)); // a reader came
        Assert.False(readers.AtLook(9)); // and more
        Assert.True(readers.AtLook(9)); // gone
    }

    /// <summary>Pages, feeds and the API are readers' requests; probes and metrics scrapes are not (they wait out a pause unharmed).</summary>
    [Fact]
    public async Task A_web_node_counts_its_readers_requests_and_not_its_probes()
    {
        await using var app = await TestApp.StartAsync(worker: false);
        // Once ready, the node's own warm-up requests are answered: no request but the test's comes after.
        while (!(await app.Http.GetAsync("readyz")).IsSuccessStatusCode)
        {
            await Task.Delay(50);
        }

        var requests = app.Get<ReaderRequests>();
        var before = requests.Started;
        foreach (var probe in new[] { "healthz", "readyz", "metrics" })
        {
            (await app.Http.GetAsync(probe)).EnsureSuccessStatusCode();
        }

        var afterProbes = requests.Started;
        (await app.Http.GetAsync("")).EnsureSuccessStatusCode();
        (await app.Http.GetAsync("feed.atom")).EnsureSuccessStatusCode();

        Assert.Equal((before, before + 2), (afterProbes, requests.Started));
    }

    /// <summary>
    /// Freed native blocks below one still in use stay resident in the C library's heap until it is trimmed: the
    /// pages under those blocks go back to the system.
    /// </summary>
    [Fact]
    public void Memory_freed_in_the_native_heap_goes_back_to_the_system()
    {
        Assert.True(OperatingSystem.IsLinux(), "the native heap is glibc's on the Linux machines FeedHub runs on");
        const int BlockSize = 4096;
        var page = new byte[BlockSize];
        Array.Fill(page, (byte)1);
        var blocks = new nint[(int)(64 * MB / BlockSize)];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockSize);
            Marshal.Copy(page, 0, blocks[i], BlockSize);
        }

        // Allocated last, so the freed blocks lie below it and the heap cannot give them back from its top.
        var kept = Marshal.AllocHGlobal(BlockSize);
        try
        {
            var (low, high) = (blocks.Min(), blocks.Max() + BlockSize);
            foreach (var block in blocks)
            {
                Marshal.FreeHGlobal(block);
            }

            var freedButResident = ResidentBytesIn(low, high);
            NativeHeap.Trim();
            var afterTrim = ResidentBytesIn(low, high);

            Assert.True(freedButResident - afterTrim > 32 * MB, $"resident where the blocks were: {freedButResident / MB} MB before the trim, {afterTrim / MB} MB after");
        }
        finally
        {
            Marshal.FreeHGlobal(kept);
        }
    }

    /// <summary>The resident bytes of this process's mappings that overlap [low, high).</summary>
    private static long ResidentBytesIn(nint low, nint high)
    {
        var resident = 0L;
        var overlaps = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && long.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && long.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
            {
                overlaps = start < high && end > low;
            }
            else if (overlaps && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                resident += long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return resident;
    }
}

/// <summary>
/// Tests that read the whole process's heap, run alone: other tests' allocations would move the figures they read.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeHeapTestGroup
{
    public const string Name = "whole heap";
}

[Collection(WholeHeapTestGroup.Name)]
public sealed class HeapSlackTests
{
    private const long MB = 1024 * 1024;

    /// <summary>
    /// Dead objects among old ones that stay (LiteDB's cache segments, Lucene's arrays) are committed memory until a
    /// collection compacts them away; the busy server's check sees them once a full collection has found them dead.
    /// </summary>
    [Fact]
    public void Dead_old_objects_are_seen_and_given_back()
    {
        var blocks = new byte[192][];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = new byte[1024 * 1024];
            Array.Fill(blocks[i], (byte)1);
        }

        // Three blocks in four die; a full collection that does not compact leaves their 144 MB committed.
        for (var i = 0; i < blocks.Length; i++)
        {
            if (i % 4 != 0)
            {
                blocks[i] = null!;
            }
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        var swept = GC.GetGCMemoryInfo();
        Assert.True(HeapSlack.ShouldCompact(), $"committed {swept.TotalCommittedBytes / MB} MB, alive {(swept.HeapSizeBytes - swept.FragmentedBytes) / MB} MB after the sweep");

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var compacted = GC.GetGCMemoryInfo();
        Assert.False(HeapSlack.ShouldCompact(), $"committed {compacted.TotalCommittedBytes / MB} MB, alive {(compacted.HeapSizeBytes - compacted.FragmentedBytes) / MB} MB after compacting");
        GC.KeepAlive(blocks);
    }
}
