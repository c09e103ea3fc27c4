using FeedHub.Cli;
using FeedHub.Core.Polling;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace FeedHub.Tests.Cli;

/// <summary>
/// A command on LiteDB has no queue to write its polls to: the file is the command's alone while it runs, and the
/// server that opens it next queues every source from the store. Building a scheduler only to drop it at the exit cost
/// `poll --once` its set-up and a trigger for every source polled.
/// </summary>
public class CommandQueueTests
{
    [Fact]
    public async Task A_command_on_LiteDB_builds_no_scheduler_and_its_queue_takes_polls_without_keeping_them()
    {
        using var host = CliHost.Build(["--FeedHub:Storage:Provider=LiteDb"]);
        var queue = host.Services.GetRequiredService<IPollScheduler>();

        await queue.ScheduleAsync([new DuePoll(1, DateTimeOffset.UtcNow)], default);
        await queue.UnscheduleAsync(1, default);

        Assert.Null(host.Services.GetService<ISchedulerFactory>());
        Assert.IsType<NoPollQueue>(queue);
    }
}
