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
}
