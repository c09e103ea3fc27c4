namespace FeedHub.Hosting;

/// <summary>
/// Where FeedHub reads its settings: <c>config/appsettings.json</c> of the working directory (else the copy beside
/// the binary), then environment variables (<c>FeedHub__Section__Key</c>), then the command line.
/// </summary>
public static class FeedHubConfiguration
{
    public static void AddFeedHubSources(this IConfigurationBuilder configuration, string[] args)
    {
        var local = Path.Combine(Directory.GetCurrentDirectory(), "config", "appsettings.json");
        var file = File.Exists(local) ? local : Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json");
        configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }
}
