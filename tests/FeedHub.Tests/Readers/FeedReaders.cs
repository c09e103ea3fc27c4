using System.Diagnostics;
using System.Text.Json;

namespace FeedHub.Tests.Readers;

/// <summary>The real feed readers the tests subscribe to FeedHub (tests/readers, installed by tests/run.sh), run as processes.</summary>
internal static class FeedReaders
{
    public const string SystemPython = "/usr/bin/python3";

    /// <summary>tests/readers, found above the test assembly.</summary>
    public static string Directory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var readers = Path.Combine(directory.FullName, "tests", "readers");
            if (File.Exists(Path.Combine(readers, "package.json")))
            {
                return readers;
            }
        }

        throw new InvalidOperationException("tests/readers (the feed reader scripts) was not found above " + AppContext.BaseDirectory);
    }

    public static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return await RunAsync(start);
    }

    /// <summary>Runs a reader to its end (two minutes at most) and returns what it printed; a failed run fails the test.</summary>
    public static async Task<string> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await error}");
        return await output;
    }
}

internal sealed record NewsboatItem(string Feed, string Guid, string Title, string? Author)
{
    /// <summary>The file newsboat keeps for podboat to download (a podcast's episode), and its type.</summary>
    public string? EnclosureUrl { get; init; }

    public string? EnclosureType { get; init; }
}

/// <summary>newsboat run headless on its own cache and URL list, in a home folder of its own.</summary>
internal sealed class Newsboat : IDisposable
{
    private readonly string _readers;
    private readonly string _home = System.IO.Directory.CreateTempSubdirectory("feedhub-newsboat-").FullName;

    public Newsboat(string readers, string url)
    {
        _readers = readers;
        File.WriteAllLines(Path.Combine(_home, "urls"), [url]);
    }

    private string Cache => Path.Combine(_home, "cache.db");

    /// <summary>Reloads every feed and returns newsboat's "N unread articles".</summary>
    public async Task<string> ReloadAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/newsboat") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-u", Path.Combine(_home, "urls"), "-c", Cache, "-C", "/dev/null", "-x", "reload", "print-unread" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = _home;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(_home, ".config");
        start.Environment["XDG_DATA_HOME"] = Path.Combine(_home, ".local");
        return (await FeedReaders.RunAsync(start)).Trim();
    }

    public async Task<List<NewsboatItem>> ItemsAsync()
    {
        using var json = JsonDocument.Parse(await FeedReaders.RunAsync(FeedReaders.SystemPython, Path.Combine(_readers, "newsboat-items.py"), Cache));
        return [.. json.RootElement.EnumerateArray().Select(i => new NewsboatItem(
            i.GetProperty("feed").GetString()!, i.GetProperty("guid").GetString()!, i.GetProperty("title").GetString()!, i.GetProperty("author").GetString())
        {
            EnclosureUrl = i.GetProperty("enclosure_url").GetString() is { Length: > 0 } url ? url : null,
            EnclosureType = i.GetProperty("enclosure_type").GetString() is { Length: > 0 } type ? type : null,
        })];
    }

    public void Dispose() => System.IO.Directory.Delete(_home, recursive: true);
}
