using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FeedHub.Tests.Support;

/// <summary>Runs the built <c>feedhub</c> as its own process, the way a user runs it, in a working folder of its own.</summary>
public sealed class FeedHubProcess : IDisposable
{
    /// <summary>How long a command may take: generous, as a command started on a loaded machine may wait a minute for a core.</summary>
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(180);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _outputArrived = new(0);

    private FeedHubProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static FeedHubProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
        => Start(workingDirectory, environment, redirectInput: false, args);

    private static FeedHubProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, bool redirectInput, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "feedhub.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new FeedHubProcess(Process.Start(start)!);
    }

    /// <summary>Runs a command to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        return await process.WaitAsync(CommandDeadline);
    }

    /// <summary>Runs a command to its end with <paramref name="input"/> on its standard input.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunWithInputAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, string input, params string[] args)
    {
        using var process = Start(workingDirectory, environment, redirectInput: true, args);
        await process._process.StandardInput.WriteAsync(input);
        process._process.StandardInput.Close();
        return await process.WaitAsync(CommandDeadline);
    }

    public async Task<(int ExitCode, string Out, string Error)> WaitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit(); // returns once the output streams are read to their end
        return (_process.ExitCode, Text(_stdout), Text(_stderr));
    }

    /// <summary>The first line the running process printed on standard output that matches, waiting for it as it comes.</summary>
    public Task<string> WaitForOutputLineAsync(Func<string, bool> match, TimeSpan deadline) => WaitForLineAsync(_stdout, match, deadline);

    /// <summary>The first log line (logs go to standard error) that matches, waiting for it as it comes.</summary>
    public Task<string> WaitForLogLineAsync(Func<string, bool> match, TimeSpan deadline) => WaitForLineAsync(_stderr, match, deadline);

    private async Task<string> WaitForLineAsync(StringBuilder stream, Func<string, bool> match, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (true)
        {
            if (Text(stream).Split('\n').FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"feedhub exited ({_process.ExitCode}) without printing the line; it said: {Text(_stdout)} {Text(_stderr)}");
            }

            try
            {
                await _outputArrived.WaitAsync(TimeSpan.FromSeconds(1), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"feedhub did not print the line within {deadline}; it said: {Text(_stdout)} {Text(_stderr)}");
            }
        }
    }

    /// <summary>Everything printed on standard output so far.</summary>
    public string OutputSoFar => Text(_stdout);

    /// <summary>Everything printed on standard error (the log) so far.</summary>
    public string ErrorSoFar => Text(_stderr);

    private void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }

        _outputArrived.Release();
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or a pulled plug would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>
    /// A loopback port for a process to listen on, free now and never handed out before in this run. It is taken below
    /// the kernel's ephemeral range: a port of that range, free when asked for, can be taken as the local end of any
    /// outgoing connection (the tests make thousands) before the process binds it, and the process then fails to start.
    /// </summary>
    public static int FreePort()
    {
        var (low, high) = PortsBelowEphemeralRange();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(low, high);
            lock (HandedOut)
            {
                if (!HandedOut.Add(port))
                {
                    continue;
                }
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by something else: another one.
            }
        }

        throw new InvalidOperationException($"no free loopback port between {low} and {high}");
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>Ports from 10000 up to the kernel's ephemeral range (Linux's default starts at 32768); all of them if it starts lower.</summary>
    private static (int Low, int High) PortsBelowEphemeralRange()
    {
        var ephemeralStart = 32768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            ephemeralStart = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or not readable: the default.
        }

        return ephemeralStart > 11000 ? (10000, ephemeralStart) : (10000, 65536);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _outputArrived.Dispose();
    }
}
