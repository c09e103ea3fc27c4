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
        // A command answers in its own words: only warnings and errors are logged. The rules name the console provider,
        // since a rule of a provider outranks the settings' "Logging:LogLevel" rules, whose default is Information.
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        // A command prints each poll's outcome itself (a failure in one line): the poller's own warnings would repeat it.
        builder.Logging.AddFilter<ConsoleLoggerProvider>(typeof(Core.Polling.SourcePoller).FullName, LogLevel.Error);
        // Standard output carries the command's answer (an OPML export, a token); log lines never mix into it.
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddFeedHubCore(builder.Configuration);
        var storage = BoundOptions.Read<StorageOptions>(builder.Configuration, StorageOptions.Section);
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

    /// <summary>
    /// The LiteDB file the settings name, in full, when it does not exist yet; null when it does or the store is
    /// PostgreSQL. Its path (<c>data/feedhub.db</c> by default) is read from the working directory, so a command run
    /// from another folder would otherwise work on a new, empty store of its own without a word.
    /// </summary>
    public static string? MissingLiteDbFile(IConfiguration configuration)
    {
        var storage = BoundOptions.Read<StorageOptions>(configuration, StorageOptions.Section);
        if (storage.UsesPostgres)
        {
            return null;
        }

        var file = Path.GetFullPath(storage.LiteDb.Path);
        return File.Exists(file) ? null : file;
    }
}

/// <summary>What a command does when the configured LiteDB file is not there.</summary>
public enum WhenNoStore
{
    /// <summary>The command sets an installation up (a source, a curator, an import): it makes the store and says where.</summary>
    MakeIt,

    /// <summary>The command reads or changes what a store holds: it fails, naming the file it looked for.</summary>
    Refuse,

    /// <summary>The command does not open the configured store (<c>migrate</c> reads the file it is given).</summary>
    NotOpened,
}
