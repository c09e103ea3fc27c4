namespace FeedHub.Hosting;

/// <summary>
/// Where FeedHub reads its settings: <c>config/appsettings.json</c> of the working directory (else the copy beside
/// the binary), then environment variables (<c>FeedHub__Section__Key</c>), then the command line.
/// </summary>
public static class FeedHubConfiguration
{
    /// <summary>
    /// A host setting for the generic host's own defaults: they read <c>appsettings.json</c> from the working directory
    /// and would watch it for changes with a file-system watcher on that whole directory, subfolders included. The
    /// store lives there by default (<c>data/</c>), so every write woke the watcher: a sixth of a cold poll's CPU.
    /// FeedHub reads its settings once, at start.
    /// </summary>
    public const string NoReloadOnChange = "--hostBuilder:reloadConfigOnChange=false";

    public static void AddFeedHubSources(this IConfigurationBuilder configuration, string[] args)
    {
        configuration.AddJsonFile(LocateFile(Path.Combine("config", "appsettings.json")), optional: false, reloadOnChange: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    /// <summary>
    /// A file named by a relative path in the settings (such as <c>config/sources.opml</c>): from the working directory
    /// when it is there, else the copy the build put beside the binary (<c>dotnet run</c> runs in the project's folder).
    /// </summary>
    public static string LocateFile(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var local = Path.Combine(Directory.GetCurrentDirectory(), path);
        return File.Exists(local) ? local : Path.Combine(AppContext.BaseDirectory, path);
    }
}
