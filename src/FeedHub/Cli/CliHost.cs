using FeedHub.Hosting;
using FeedHub.Worker;

namespace FeedHub.Cli;

/// <summary>
/// The services of a one-shot command: the pipeline, the store and the scheduler, never started, so that what a
/// command changes (a source added, removed, polled) reaches the workers' queue.
/// </summary>
public static class CliHost
{
    public static IHost Build()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.AddFeedHubSources([]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddFeedHubCore(builder.Configuration);
        builder.Services.AddFeedHubScheduler(builder.Configuration, runsJobs: false);
        return builder.Build();
    }
}
