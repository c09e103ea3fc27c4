using System.CommandLine;
using FeedHub.Core.Storage;
using FeedHub.Hosting;

namespace FeedHub.Cli;

/// <summary><c>feedhub [serve]</c>: the web side and the poller, until stopped; prints the start-up banner once listening.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var serve = new Command("serve", "Run the web side and the poller (the default command); settings as --Section:Key=value");
        serve.SetAction((_, _) => RunAsync(FeedHubCommandLine.ConfigurationOverrides));
        return serve;
    }

    private static async Task<int> RunAsync(string[] overrides)
    {
        await using var app = FeedHubApp.Build(overrides);
        // Opening the store first: a second server on the same LiteDB file stops here, before binding the port.
        app.Services.GetRequiredService<IFeedStore>();
        await app.StartAsync();
        await StartupBanner.WriteAsync(app, Console.Out, app.Lifetime.ApplicationStopping);
        await app.WaitForShutdownAsync();
        return FeedHubCommandLine.Success;
    }
}
