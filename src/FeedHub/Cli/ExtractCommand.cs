namespace FeedHub.Cli;

/// <summary><c>feedhub extract IN_DIR OUT_DIR</c>: the plain text of the article of every page, no network.</summary>
public static class ExtractCommand
{
    public static int Run(string[] args)
        => FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "extract is not built yet");
}
