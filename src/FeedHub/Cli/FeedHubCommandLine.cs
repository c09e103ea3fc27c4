using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using FeedHub.Storage.LiteDb;

namespace FeedHub.Cli;

/// <summary>
/// The <c>feedhub</c> verbs of design.md, parsed by System.CommandLine. Exit codes: 0 success, 1 runtime failure,
/// 2 bad usage. Help goes to standard output; every error is one line on standard error (<c>feedhub: …</c>), and bad
/// usage is followed by the usage of the command concerned. Arguments of the form <c>--Section:Key=value</c> are
/// configuration overrides (the keys of <c>config/appsettings.json</c>), taken out before parsing and given to
/// every command that reads the configuration.
/// </summary>
public static class FeedHubCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    /// <summary>The <c>--Section:Key=value</c> settings of this run.</summary>
    internal static string[] ConfigurationOverrides { get; private set; } = [];

    public static async Task<int> RunAsync(string[] args)
    {
        ConfigurationOverrides = [.. args.Where(IsConfigurationOverride)];
        var root = Create();
        var parsed = root.Parse([.. args.Where(arg => !IsConfigurationOverride(arg))], new ParserConfiguration { ResponseFileTokenReplacer = null });
        var command = parsed.CommandResult.Command;
        if (parsed.Action is not HelpAction && parsed.Errors.Count > 0)
        {
            return ShowUsageError(command, parsed.Errors[0].Message);
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (UsageException usage)
        {
            return ShowUsageError(command, usage.Message);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("feedhub: interrupted");
            return Failure;
        }
        catch (StoreInUseException inUse)
        {
            await Console.Error.WriteLineAsync($"feedhub: {inUse.Message}{StoreInUseAdvice(command)}");
            return Failure;
        }
        catch (Exception failure)
        {
            await Console.Error.WriteLineAsync($"feedhub: {OneLine(failure)}");
            return Failure;
        }
    }

    /// <summary>The whole command tree; <c>feedhub</c> alone runs <c>serve</c>.</summary>
    public static RootCommand Create()
    {
        var serve = ServeCommand.Create();
        var root = new RootCommand("FeedHub: polls RSS, Atom and JSON feeds and serves them as a reading list, a daily digest and one merged feed.")
        {
            serve,
            SourcesCommand.Create(),
            OpmlCommands.CreateImport(),
            OpmlCommands.CreateExport(),
            PollCommand.Create(),
            CuratorsCommand.Create(),
            MigrateCommand.Create(),
            ParseCommand.Create(),
            ExtractCommand.Create(),
        };
        var help = new Command("help", "Show this help") { Hidden = true };
        help.SetAction(_ => WriteHelp(root, Console.Out));
        root.Subcommands.Add(help);
        root.Action = serve.Action;
        return root;
    }

    /// <summary>
    /// Runs a command that needs the store and the pipeline (built with the configuration overrides), stopping it
    /// cleanly on Ctrl+C.
    /// </summary>
    internal static async Task<int> WithServicesAsync(WhenNoStore whenNoStore, Func<IServiceProvider, CancellationToken, Task<int>> command)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var host = CliHost.Build(ConfigurationOverrides);
            host.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            if (whenNoStore != WhenNoStore.NotOpened && CliHost.MissingLiteDbFile(host.Services.GetRequiredService<IConfiguration>()) is { } missing)
            {
                if (whenNoStore == WhenNoStore.Refuse)
                {
                    return await FailAsync($"there is no FeedHub store at {missing}: its path ({StorePathSetting}) is read from the working directory; run feedhub in the folder FeedHub runs in, or give --{StorePathSetting}=FILE");
                }

                await Console.Error.WriteLineAsync($"feedhub: a new store is made at {missing} (there was none; its path, {StorePathSetting}, is read from the working directory)");
            }

            return await command(host.Services, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private const string StorePathSetting = "FeedHub:Storage:LiteDb:Path";

    /// <summary>A runtime failure the user can act on: one line on standard error, exit code 1.</summary>
    internal static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync($"feedhub: {message}");
        return Failure;
    }

    private static int ShowUsageError(Command command, string problem)
    {
        Console.Error.WriteLine($"feedhub: {problem.ReplaceLineEndings(" ")}");
        WriteHelp(command, Console.Error);
        return BadUsage;
    }

    /// <summary>Writes a command's help (System.CommandLine's own, as <c>--help</c> shows it) to <paramref name="output"/>.</summary>
    private static int WriteHelp(Command command, TextWriter output)
    {
        var path = new List<string>();
        for (var at = command; at is not RootCommand && at is not null; at = at.Parents.OfType<Command>().FirstOrDefault())
        {
            path.Insert(0, at.Name);
        }

        RootOf(command).Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        return Success;
    }

    private static Command RootOf(Command command)
    {
        var at = command;
        while (at.Parents.OfType<Command>().FirstOrDefault() is { } parent)
        {
            at = parent;
        }

        return at;
    }

    private static string OneLine(Exception failure)
    {
        // Kestrel's bind failure is an IOException, which would otherwise read as a storage error.
        if (failure is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException })
        {
            return $"{failure.Message.TrimEnd('.')}: another program listens there; stop it, or choose another address with --FeedHub:Urls=http://127.0.0.1:PORT";
        }

        if (Core.Storage.StoreWrites.IsStorageFailure(failure))
        {
            return Core.Storage.StoreWrites.Describe(failure);
        }

        var message = failure.Message.ReplaceLineEndings(" ").Trim();
        return failure is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or System.Net.Sockets.SocketException
            or Microsoft.Extensions.Options.OptionsValidationException
            ? message
            : $"{message} ({failure.GetType().Name})";
    }

    /// <summary>What to do instead when the embedded store belongs to a running server.</summary>
    private static string StoreInUseAdvice(Command command) => command.Name == "curators"
        ? "; while the server runs, create the first curator through the set-up link it printed on start, or stop it first"
        : string.Empty;

    /// <summary>Whether an argument is <c>--Section:Key=value</c>: a configuration path of at least two parts, as the settings file has.</summary>
    private static bool IsConfigurationOverride(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || !argument.StartsWith("--", StringComparison.Ordinal) || argument.Length < 3 || !char.IsAsciiLetter(argument[2]))
        {
            return false;
        }

        var key = argument.AsSpan(2, equals - 2);
        return key.Contains(':') && key[^1] != ':' && !key.Contains("::", StringComparison.Ordinal)
               && !key.ContainsAnyExcept(ConfigurationKeyCharacters);
    }

    private static readonly System.Buffers.SearchValues<char> ConfigurationKeyCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:");
}

/// <summary>Bad usage found while running a command (two options that exclude each other, a value out of range): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
