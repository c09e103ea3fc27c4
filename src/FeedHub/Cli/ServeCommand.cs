using FeedHub.Core.Storage;
using FeedHub.Hosting;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Cli;

/// <summary><c>feedhub [serve]</c>: the web side and the poller, until stopped.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = FeedHubApp.Build(args);
        try
        {
            app.Services.GetRequiredService<IFeedStore>();
        }
        catch (StoreInUseException inUse)
        {
            await Console.Error.WriteLineAsync($"feedhub: {inUse.Message}");
            return FeedHubCommandLine.Failure;
        }

        await app.RunAsync();
        return FeedHubCommandLine.Success;
    }
}
