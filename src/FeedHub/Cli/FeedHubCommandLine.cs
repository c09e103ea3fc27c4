using FeedHub.Storage.LiteDb;

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
            "serve" => await ServeCommand.RunAsync(rest),
            "parse" => ParseCommand.Run(rest),
            "extract" => ExtractCommand.Run(rest),
            "sources" => await WithServicesAsync(rest, SourcesCommand.RunAsync),
            "poll" => await WithServicesAsync(rest, PollCommand.RunAsync),
            "curators" => await WithServicesAsync(rest, CuratorsCommand.RunAsync),
            "import" => await WithServicesAsync(rest, OpmlCommands.ImportAsync),
            "export" => await WithServicesAsync(rest, OpmlCommands.ExportAsync),
            "migrate" => await WithServicesAsync(rest, MigrateCommand.RunAsync),
            "help" or "--help" or "-h" => Usage(Console.Out, Success),
            _ => Usage(Console.Error, BadUsage, $"unknown command '{verb}'"),
        };
    }

    private static async Task<int> WithServicesAsync(string[] args, Func<string[], IServiceProvider, CancellationToken, Task<int>> command)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        using var host = CliHost.Build();
        try
        {
            return await command(args, host.Services, cancel.Token);
        }
        catch (StoreInUseException inUse)
        {
            await Console.Error.WriteLineAsync($"feedhub: {inUse.Message}");
            return Failure;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("feedhub: interrupted");
            return Failure;
        }
    }

    public static int Usage(TextWriter writer, int exitCode, string? problem = null)
    {
        if (problem is not null)
        {
            writer.WriteLine($"feedhub: {problem}");
        }

        writer.WriteLine("""
            usage: feedhub [serve]                          run the web side and the poller
                   feedhub sources add URL [--category NAME]…
                   feedhub sources list
                   feedhub sources remove ID [--keep-articles]
                   feedhub import FILE.opml                 subscribe to the feeds of an OPML list (duplicates and invalid entries reported)
                   feedhub export [FILE.opml]               write every source as OPML (to standard output without a file)
                   feedhub curators add NAME [--password]   create a curator (password read from stdin) and print its API token
                   feedhub poll [--once]                    poll due sources (or all, --once) now and exit
                   feedhub migrate --from litedb:PATH --to postgres   copy an embedded installation into PostgreSQL
                   feedhub parse IN_DIR OUT_DIR             parse every feed file in IN_DIR to OUT_DIR/<name>.json
                   feedhub extract IN_DIR OUT_DIR           extract the article of every IN_DIR/<id>.html to OUT_DIR/<id>.txt
            """);
        return exitCode;
    }
}
