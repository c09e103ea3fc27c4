namespace FeedHub.Cli;

/// <summary>The <c>feedhub</c> verbs of design.md. Exit codes: 0 success, 1 runtime failure, 2 bad usage.</summary>
public static class FeedHubCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var verb = args.Length == 0 || args[0].StartsWith('-') ? "serve" : args[0];
        var rest = args.Length == 0 || args[0].StartsWith('-') ? args : args[1..];
        return verb switch
        {
            "parse" => ParseCommand.Run(rest),
            "extract" => ExtractCommand.Run(rest),
            "help" or "--help" or "-h" => Usage(Console.Out, Success),
            _ => Usage(Console.Error, BadUsage, $"unknown command '{verb}'"),
        };
    }

    public static int Usage(TextWriter writer, int exitCode, string? problem = null)
    {
        if (problem is not null)
        {
            writer.WriteLine($"feedhub: {problem}");
        }

        writer.WriteLine("""
            usage: feedhub [serve]                          run the web side and the poller
                   feedhub parse IN_DIR OUT_DIR             parse every feed file in IN_DIR to OUT_DIR/<name>.json
                   feedhub extract IN_DIR OUT_DIR           extract the article of every IN_DIR/<id>.html to OUT_DIR/<id>.txt
            """);
        return exitCode;
    }
}
