using FeedHub.Core.Polling;
using FeedHub.Hosting;
using Microsoft.Extensions.Logging.Console;
using FeedHub.Worker;

namespace FeedHub.Cli;

/// <summary>
/// The services of a one-shot command: the pipeline, the store and, on PostgreSQL, the scheduler, never started, so
/// that what a command changes (a source added, removed, polled) reaches the workers' queue (on LiteDB there is none
/// beside the command: <see cref="NoPollQueue"/>).
/// </summary>
public static class CliHost
{
    /// <param name="overrides">The command's <c>--Section:Key=value</c> settings.</param>
    public static IHost Build(string[] overrides)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [FeedHubConfiguration.NoReloadOnChange],
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.AddFeedHubSources(overrides);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A command prints each poll's outcome itself (a failure in one line): the poller's own warnings would repeat it.
        builder.Logging.AddFilter(typeof(Core.Polling.SourcePoller).FullName, LogLevel.Error);
        // Standard output carries the command's answer (an OPML export, a token); log lines never mix into it.
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddFeedHubCore(builder.Configuration);
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.UsesPostgres)
        {
            builder.Services.AddFeedHubScheduler(builder.Configuration, runsJobs: false);
        }
        else
        {
            builder.Services.AddSingleton<IPollScheduler, NoPollQueue>();
        }

        return builder.Build();
    }
}
