using FeedHub.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FeedHub.Tests.Support;

/// <summary>A real FeedHub (web + worker) on a free 127.0.0.1 port with its own LiteDB file in a temporary folder.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseUri = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        Http = new HttpClient { BaseAddress = BaseUri };
    }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Starts FeedHub; <paramref name="dataDirectory"/> reuses the data of an earlier run (a restart).</summary>
    /// <param name="dataDirectory">The folder of an earlier run to start on, or null for a new one.</param>
    /// <param name="allowPrivateNetworks">Whether feeds on loopback (the test servers) may be fetched.</param>
    /// <param name="worker">Whether Quartz polls in the background; tests that poll by hand turn it off to stay deterministic.</param>
    /// <param name="settings">More <c>--Key=value</c> settings.</param>
    public static Task<TestApp> StartAsync(string? dataDirectory = null, bool allowPrivateNetworks = true, bool worker = true, params string[] settings)
        => StartAsync(dataDirectory, allowPrivateNetworks, worker, replace: null, settings);

    /// <summary>Starts FeedHub with services replaced (a store opened by the test).</summary>
    public static async Task<TestApp> StartAsync(string? dataDirectory, bool allowPrivateNetworks, bool worker, Action<IServiceCollection>? replace, params string[] settings)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("feedhub-app-").FullName;
        string[] args =
        [
            "--FeedHub:Urls=http://127.0.0.1:0",
            $"--FeedHub:Storage:LiteDb:Path={Path.Combine(dataDirectory, "feedhub.db")}",
            $"--FeedHub:Fetcher:AllowPrivateNetworks={allowPrivateNetworks}",
            "--FeedHub:Fetcher:TimeoutSeconds=3",
            "--FeedHub:StarterSources=",
            "--Logging:LogLevel:Default=Warning",
            $"--FeedHub:Roles={(worker ? "web,worker" : "web")}",
            .. settings,
        ];
        var app = FeedHubApp.Build(args, replace);
        await app.StartAsync();
        return new TestApp(app, dataDirectory);
    }

    /// <summary>
    /// A digest time zone (a whole-hour offset from UTC) in which it is now about noon, for tests that read the
    /// digest's "today" more than once: run near midnight in UTC, they would otherwise see two different days.
    /// </summary>
    public static string MiddayDigestZone()
    {
        var hoursAhead = 12 - DateTime.UtcNow.Hour;
        // The Etc/GMT zone ids keep the POSIX sign: Etc/GMT-3 is three hours ahead of UTC.
        var id = hoursAhead switch
        {
            0 => "Etc/UTC",
            > 0 => $"Etc/GMT-{hoursAhead}",
            _ => $"Etc/GMT+{-hoursAhead}",
        };
        return $"--FeedHub:Digest:TimeZone={id}";
    }

    /// <summary>Waits until a condition holds, for behaviour that happens in the background (polling).</summary>
    /// <summary>
    /// Probes until <paramref name="done"/> holds, and gives the last value probed. The deadline (three minutes unless
    /// given) only bounds a failing test: a passing one returns as soon as the event came, so the deadline is set for
    /// a machine busy with other work (a CI runner, a load of 50), never for how long the event takes on a quiet one.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromMinutes(3));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
