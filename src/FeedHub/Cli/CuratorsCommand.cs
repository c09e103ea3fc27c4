using System.Text;
using FeedHub.Curators;

namespace FeedHub.Cli;

/// <summary><c>feedhub curators add NAME [--password]</c>: creates a curator and prints its API token once.</summary>
public static class CuratorsCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (args is not ["add", var name, .. var options] || options.Any(o => o != "--password"))
        {
            return FeedHubCommandLine.Usage(Console.Error, FeedHubCommandLine.BadUsage, "curators needs: add NAME [--password]");
        }

        var password = options.Length > 0 ? ReadPassword() : null;
        try
        {
            var (curator, token) = await services.GetRequiredService<CuratorAccounts>().CreateAsync(name, password, cancellationToken);
            Console.WriteLine($"created curator {curator.Name}{(password is null ? " (API only: no password, so no /admin sign-in)" : string.Empty)}");
            Console.WriteLine("API token (shown only this once; send it as 'Authorization: Bearer TOKEN'):");
            Console.WriteLine(token);
            return FeedHubCommandLine.Success;
        }
        catch (CuratorAccountException refused)
        {
            await Console.Error.WriteLineAsync($"feedhub: {refused.Message}");
            return FeedHubCommandLine.Failure;
        }
    }

    /// <summary>Reads the password without echo from a terminal, else the first line of the redirected input.</summary>
    private static string ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? string.Empty;
        }

        Console.Error.Write("password: ");
        var password = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
