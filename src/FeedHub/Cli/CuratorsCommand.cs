using System.CommandLine;
using System.Globalization;
using System.Text;
using FeedHub.Core.Model;
using FeedHub.Curators;

namespace FeedHub.Cli;

/// <summary>
/// <c>feedhub curators add NAME [--password] | list | remove NAME | reset-password NAME | revoke-tokens NAME</c>:
/// curator accounts against the configured store.
/// </summary>
public static class CuratorsCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The curator's name" };
        var withPassword = new Option<bool>("--password") { Description = "Ask for a password (for /admin sign-in): read without echo, or the first line of standard input" };
        var add = new Command("add", "Create a curator and print their first API token (shown once)") { name, withPassword };
        Run(add, WhenNoStore.MakeIt, async (parsed, accounts, token) =>
        {
            var password = parsed.GetValue(withPassword) ? ReadPassword() : null;
            var (curator, apiToken) = await accounts.CreateAsync(parsed.GetValue(name)!, password, token);
            Console.WriteLine($"created curator {curator.Name}{(password is null ? " (API only: no password, so no /admin sign-in)" : string.Empty)}");
            Console.WriteLine("API token (shown only this once; send it as 'Authorization: Bearer TOKEN'):");
            Console.WriteLine(apiToken);
        });

        var list = new Command("list", "The curators: password or not, active API tokens, last use");
        Run(list, WhenNoStore.Refuse, async (_, accounts, token) =>
        {
            var curators = await accounts.ListAsync(token);
            if (curators.Count == 0)
            {
                Console.WriteLine("no curators yet; create one with: feedhub curators add NAME --password (or through the set-up link a running server prints)");
                return;
            }

            foreach (var curator in curators)
            {
                var active = curator.Tokens.Where(t => t.IsActive).ToList();
                var lastUsed = active.Max(t => t.LastUsedAt);
                Console.WriteLine($"{curator.Name,-20} {(curator.PasswordHash is null ? "API only  " : "password  ")} {active.Count} active token{(active.Count == 1 ? string.Empty : "s")}"
                                  + $"{(active.Count > 0 ? $" ({string.Join(", ", active.Select(t => t.Prefix + "…"))})" : string.Empty)}; created {When(curator.CreatedAt)}; token last used {When(lastUsed)}");
            }
        });

        var remove = new Command("remove", "Remove a curator: their API tokens and sign-in cookies stop working") { name };
        Run(remove, WhenNoStore.Refuse, async (parsed, accounts, token) =>
        {
            await accounts.RemoveAsync(parsed.GetValue(name)!, token);
            Console.WriteLine($"removed curator {parsed.GetValue(name)}; their API tokens and sign-ins no longer work");
        });

        var resetPassword = new Command("reset-password", "Set a new password (read without echo, or the first line of standard input); signs the curator out everywhere") { name };
        Run(resetPassword, WhenNoStore.Refuse, async (parsed, accounts, token) =>
        {
            await accounts.ResetPasswordAsync(parsed.GetValue(name)!, ReadPassword(), token);
            Console.WriteLine($"new password set for {parsed.GetValue(name)}; their earlier sign-ins no longer work (API tokens are kept: see revoke-tokens)");
        });

        var revokeTokens = new Command("revoke-tokens", "Revoke every API token of a curator") { name };
        Run(revokeTokens, WhenNoStore.Refuse, async (parsed, accounts, token) =>
        {
            var revoked = await accounts.RevokeAllTokensAsync(parsed.GetValue(name)!, token);
            Console.WriteLine($"revoked {revoked} API token{(revoked == 1 ? string.Empty : "s")} of {parsed.GetValue(name)}");
        });

        return new Command("curators", "Curator accounts (admin sign-in and API tokens), against the configured store")
        {
            add, list, remove, resetPassword, revokeTokens,
        };
    }

    /// <summary>Sets a verb's action: one line on standard error, exit code 1, when the account work is refused.</summary>
    private static void Run(Command command, WhenNoStore whenNoStore, Func<ParseResult, CuratorAccounts, CancellationToken, Task> work)
    {
        command.SetAction((parsed, _) => FeedHubCommandLine.WithServicesAsync(whenNoStore, async (services, token) =>
        {
            try
            {
                await work(parsed, services.GetRequiredService<CuratorAccounts>(), token);
                return FeedHubCommandLine.Success;
            }
            catch (CuratorAccountException refused)
            {
                return await FeedHubCommandLine.FailAsync(refused.Message);
            }
        }));
    }

    private static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? "never";

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
