using FeedHub.Hosting;

namespace FeedHub.Cli;

/// <summary>The services of a one-shot command: the pipeline and the store, no web side and no scheduler.</summary>
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
        return builder.Build();
    }
}
