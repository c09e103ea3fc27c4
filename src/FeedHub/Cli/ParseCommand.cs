namespace FeedHub.Cli;

/// <summary><c>feedhub parse IN_DIR OUT_DIR</c>: the neutral JSON of every feed file, no network.</summary>
public static class ParseCommand
{
    public static int Run(string[] args)
        => FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "parse is not built yet");
}
